// The ingest worker's options: one interface, frozen defaults, Partial<> in. Values only.
import type { StartFrom } from "@facsimile/bus";
import type { OpenDuckDbOptions, TableOptions } from "@facsimile/lake";
import { DEFAULT_CLASSIFY_OPTIONS } from "../records/classify-messages.js";

export type IngestStages = "all" | "append" | "merge";

export interface IngestWorkerOptions {
  /** Consumer group; default `facsimile-ingest-<region>`. */
  readonly groupId: string | undefined;
  /** "append": consume into the sink only; "merge": merge the sink into the targets only; "all": both. */
  readonly stages: IngestStages;
  readonly maxBatchSize: number;
  readonly maxWaitMs: number;
  readonly startFrom: StartFrom;
  readonly wrongRegion: "reroute" | "drop";
  readonly unknownWorkspace: "dead-letter" | "accept";
  /**
   * Where a dead letter's original bytes go: "inline" in the DLQ message; "store" in the lake's store under
   * `regions/<region>/dead-letters/<workspace>/<sha256>`, the message referencing them, so erasure can delete them.
   */
  readonly deadLetterPayloads: "inline" | "store";
  readonly decodeConcurrency: number;
  /** Consumption waits while the merge is this many sink versions behind this worker's appends. */
  readonly maxMergeLagVersions: number;
  /** A target with nothing to merge still records its position when it lags this many sink versions. */
  readonly idleAdvanceVersions: number;
  /** Target tables written at once by a merge round (each target has its own DuckDB connection). */
  readonly mergeWriteConcurrency: number;
  /** How often the merge loop polls the sink for other workers' commits. */
  readonly mergePollMs: number;
  /**
   * Records of recent sink versions kept in memory for the merge (beyond it, the sink is read back); consumption
   * waits while this many of this worker's records wait for the merge, which bounds the worker's memory.
   */
  readonly cacheMaxRecords: number;
  readonly lagIntervalMs: number;
  readonly retryInitialMs: number;
  readonly retryMaxMs: number;
  /**
   * How long a one-off transport or store call (the consumer's start, caughtUp()'s offset reads, the merge loop's
   * poll of the sink head) is retried while its failures are retriable.
   */
  readonly retryBudgetMs: number;
  /**
   * Checkpoint interval of the sink, in commits (one per micro-batch): a checkpoint rewrites the whole file list,
   * which grows with every batch, so it is taken less often than the lake's default of 10.
   */
  readonly sinkCheckpointInterval: number;
  /** Options of the sink and target table handles (scratch and cache directories, checkpoint interval). */
  readonly table: Partial<TableOptions>;
  /**
   * DuckDB settings (threads, memory_limit). Without a `threads` setting the worker's instance gets
   * DEFAULT_INGEST_DUCKDB_THREADS.
   */
  readonly duckdb: Partial<OpenDuckDbOptions>;
}

/**
 * DuckDB threads of a worker's instance unless `duckdb.config.threads` says otherwise. A worker's parallelism is
 * across its concurrent statements (the sink append, the merge's transforms, mergeWriteConcurrency target writes,
 * each on its own connection and thread); DuckDB's own threads within a statement, on top of those, cost about a
 * fifth more CPU per merged record on a 2-core machine without making the merge faster.
 */
export const DEFAULT_INGEST_DUCKDB_THREADS = "1";

export const DEFAULT_INGEST_WORKER_OPTIONS: Readonly<IngestWorkerOptions> = Object.freeze({
  groupId: undefined,
  stages: "all",
  maxBatchSize: 20_000,
  maxWaitMs: 200,
  startFrom: "earliest",
  wrongRegion: DEFAULT_CLASSIFY_OPTIONS.wrongRegion,
  deadLetterPayloads: "inline",
  unknownWorkspace: DEFAULT_CLASSIFY_OPTIONS.unknownWorkspace,
  decodeConcurrency: DEFAULT_CLASSIFY_OPTIONS.decodeConcurrency,
  maxMergeLagVersions: 200,
  idleAdvanceVersions: 100,
  mergeWriteConcurrency: 3,
  mergePollMs: 1_000,
  cacheMaxRecords: 200_000,
  lagIntervalMs: 5_000,
  retryInitialMs: 200,
  retryMaxMs: 10_000,
  retryBudgetMs: 60_000,
  sinkCheckpointInterval: 30,
  table: Object.freeze({}),
  duckdb: Object.freeze({}),
});
