// The ingest worker of one region: a member of the region's consumer group that runs, per micro-batch, decode ->
// region and generation checks -> dead letters and re-routes -> append to the raw sink (txn per Kafka
// partition) -> commit the Kafka offsets, while the merge loop brings the target tables up to the sink. Every
// dependency comes in; the worker owns only its DuckDB instance. stop() is graceful: the running batch finishes
// (or, if the process dies first, is simply delivered again), the merge drains, the group is left.
import { type GroupConsumer, type Logger, recordsTopic, silentLogger, type Transport } from "@facsimile/bus";
import { openDuckDb, openTable, regionLayout } from "@facsimile/lake";
import type { ObjectStore } from "@facsimile/object-store";
import { createRecordDecoder } from "@facsimile/protocol";
import type { SchemaRegistry } from "@facsimile/schemas";
import type { CompiledModel } from "@facsimile/transforms";
import type { IngestDirectory } from "../directory/ingest-directory.js";
import { IngestConfigError, IngestStateError } from "../errors.js";
import { sinkRecordOf } from "../merge/sink-record.js";
import { SinkVersionCache } from "../merge/sink-version-cache.js";
import { createIngestMetrics, type IngestMetrics } from "../metrics/ingest-metrics.js";
import type { SinkCommit } from "../sink/append-to-sink.js";
import { mergeAppId } from "../sink/sink-table.js";
import { createBatchHandler } from "./handle-batch.js";
import {
  DEFAULT_INGEST_DUCKDB_THREADS,
  DEFAULT_INGEST_WORKER_OPTIONS,
  type IngestWorkerOptions,
} from "./ingest-worker-options.js";
import { MergeLoop } from "./merge-loop.js";
import { retryTransient } from "./retry-transient.js";
import { watchLag } from "./watch-lag.js";

export interface IngestWorkerDeps {
  readonly region: string;
  readonly transport: Transport;
  /** The lake's object store: the sink and the target tables live under `lakeRoot` in it. */
  readonly store: ObjectStore;
  /** Key prefix of the lake in `store` ("" = its root); regions/<region>/... lie under it. */
  readonly lakeRoot?: string;
  /** Where offload pointers point; default `store`. */
  readonly offloadStore?: ObjectStore;
  readonly registry: SchemaRegistry;
  /** Without one, every workspace counts as living in this region and never deleted. */
  readonly directory?: IngestDirectory;
  /** Compiled transform models (compileModels(registry).models): each runs into its target table. */
  readonly models: readonly CompiledModel[];
  readonly logger?: Logger;
  readonly clock?: () => number;
  readonly options?: Partial<IngestWorkerOptions>;
}

export interface IngestProgress {
  /** Newest sink version this worker committed (-1: none yet). */
  readonly sinkHead: number;
  /** Lowest sink version every target has merged through. */
  readonly mergedThrough: number;
  readonly batches: number;
  readonly inFlight: boolean;
  /** The records-topic partitions whose merge this worker owns (undefined before the first assignment). */
  readonly mergePartitions: readonly number[] | undefined;
}

export interface IngestWorker {
  readonly region: string;
  readonly groupId: string;
  readonly metrics: IngestMetrics;
  /** Joins the group and starts consuming and merging. */
  start(): Promise<void>;
  /** Graceful stop: finishes the running batch, drains the merge (unless drain is false), leaves the group. */
  stop(options?: { readonly drain?: boolean }): Promise<void>;
  /** Settles when the worker stopped; rejects with the error that stopped it. */
  readonly done: Promise<void>;
  progress(): IngestProgress;
  /** True when every partition of the records topic is committed up to its high watermark and merged. */
  caughtUp(): Promise<boolean>;
}

export function createIngestWorker(deps: IngestWorkerDeps): IngestWorker {
  const o: IngestWorkerOptions = { ...DEFAULT_INGEST_WORKER_OPTIONS, ...deps.options };
  const { region, transport, registry } = deps;
  const topic = recordsTopic(region);
  const groupId = o.groupId ?? `facsimile-ingest-${region}`;
  const logger = deps.logger ?? silentLogger;
  const clock = deps.clock ?? Date.now;
  const metrics = createIngestMetrics(region);
  const root = (deps.lakeRoot ?? "").replace(/^\/+|\/+$/g, "");
  const at = (path: string): string => (root === "" ? path : `${root}/${path}`);
  const sinkPath = at(regionLayout.sink(region));
  const appending = o.stages !== "merge";
  const merging = o.stages !== "append";
  const tables = new Set(deps.models.map((m) => m.table));
  if (tables.size !== deps.models.length)
    throw new IngestConfigError("two models write the same table: a table has exactly one model");
  if (!["all", "append", "merge"].includes(o.stages))
    throw new IngestConfigError(`stages must be all, append or merge, got ${JSON.stringify(o.stages)}`);

  // A pointer at another region's offloads (`regions/<r>/offload/…`) whose object is gone (its workspace moved
  // here and the old region's copy was deleted) is looked up under this region's offloads: a migration copies
  // them here first.
  const ownOffloads = `$1${regionLayout.offload(region)}/`;
  const relocateOffload = (key: string): string | undefined => {
    const moved = key.replace(/(^|\/)regions\/[^/]+\/offload\//, ownOffloads);
    return moved === key ? undefined : moved;
  };
  const deadLetterPayloads =
    o.deadLetterPayloads === "store"
      ? { store: deps.store, prefix: at(regionLayout.deadLetters(region)) }
      : undefined;
  const decoder = createRecordDecoder(
    { registry, store: deps.offloadStore ?? deps.store, relocateOffload },
    { decodeValue: false },
  );
  const cache = new SinkVersionCache({ maxRecords: o.cacheMaxRecords });
  let consumer: GroupConsumer | undefined;
  let mergeLoop: MergeLoop | undefined;
  let closeDuckDb: (() => void) | undefined;
  let stopLag: (() => void) | undefined;
  let started = false;
  let stopping = false;
  let batches = 0;
  let inFlight = false;
  let settle!: { resolve: () => void; reject: (err: unknown) => void };
  const done = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
  });
  done.catch(() => undefined);
  let fatal: unknown;

  /** Retry options of a one-off call (see retryTransient). */
  const transient = (operation: string) => ({
    budgetMs: o.retryBudgetMs,
    initialBackoffMs: o.retryInitialMs,
    maxBackoffMs: o.retryMaxMs,
    stop: () => stopping,
    onRetry: (err: unknown, _attempt: number, backoffMs: number) => {
      metrics.batchFailures.inc({ region, stage: operation });
      logger.warn("a transient failure; retrying", { region, operation, error: String(err), backoffMs });
    },
  });

  let worker: IngestWorker;
  const fail = (err: unknown): void => {
    if (fatal !== undefined) return;
    fatal = err;
    logger.error("ingest worker failed", { region, error: String(err) });
    void worker.stop({ drain: false }).catch(() => undefined);
  };

  worker = {
    region,
    groupId,
    metrics,
    done,
    async start() {
      if (started)
        throw new IngestStateError(`the ingest worker of ${region} was started already`, { region });
      started = true;
      const duck = await openDuckDb({
        ...o.duckdb,
        config: { threads: DEFAULT_INGEST_DUCKDB_THREADS, ...o.duckdb.config },
      });
      const mergeConn = await duck.instance.connect();
      const targetConns = merging ? await Promise.all(deps.models.map(() => duck.instance.connect())) : [];
      closeDuckDb = () => {
        for (const c of targetConns) c.closeSync();
        mergeConn.closeSync();
        duck.close();
      };
      const sinkOptions = { ...o.table, checkpointInterval: o.sinkCheckpointInterval };
      const sink = openTable(deps.store, sinkPath, duck.connection, sinkOptions);
      if (merging) {
        const targets = deps.models.map((model, i) => ({
          model,
          table: openTable(
            deps.store,
            at(regionLayout.table(region, model.table)),
            targetConns[i] ?? mergeConn,
            o.table,
          ),
        }));
        mergeLoop = new MergeLoop(
          {
            region,
            transport,
            registry,
            sink: openTable(deps.store, sinkPath, mergeConn, sinkOptions),
            targets,
            appId: mergeAppId(sinkPath),
            directory: deps.directory,
            deadLetterPayloads,
            cache,
            metrics,
            logger,
            clock,
          },
          {
            idleAdvanceVersions: o.idleAdvanceVersions,
            writeConcurrency: o.mergeWriteConcurrency,
            pollMs: o.mergePollMs,
            retryInitialMs: o.retryInitialMs,
            retryMaxMs: o.retryMaxMs,
          },
        );
        if (!appending) {
          // A merge-only worker merges every partition (it is in no consumer group).
          const count = await retryTransient(
            () => transport.partitionCount(topic),
            transient("partitionCount"),
          );
          mergeLoop.setOwned(Array.from({ length: count ?? 0 }, (_, p) => p));
        }
        mergeLoop.start().catch(fail);
      }
      if (appending) {
        const batchDeps = {
          region,
          transport,
          decoder,
          registry,
          directory: deps.directory,
          sink,
          metrics,
          logger,
          clock,
          classify: {
            wrongRegion: o.wrongRegion,
            unknownWorkspace: o.unknownWorkspace,
            decodeConcurrency: o.decodeConcurrency,
          },
          ...(deadLetterPayloads === undefined ? {} : { deadLetterPayloads }),
          onSinkCommit: (commit: SinkCommit) => {
            if (commit.status !== "committed") return;
            cache.put(commit.version, commit.records.map(sinkRecordOf));
            mergeLoop?.noteSinkVersion(commit.version);
          },
        };
        const onBatch = createBatchHandler(
          {
            batch: batchDeps,
            metrics,
            logger,
            clock,
            mergeLoop: () => mergeLoop,
            stopping: () => stopping,
            unmergedRecords: () => cache.size.records,
            onState: (event) => {
              if (event === "committed") batches++;
              else inFlight = event === "started";
            },
          },
          o,
        );
        consumer = await retryTransient(
          () =>
            transport.consume({
              groupId,
              topics: [topic],
              maxBatchSize: o.maxBatchSize,
              maxWaitMs: o.maxWaitMs,
              startFrom: o.startFrom,
              onBatch,
              onAssignment: (assigned) => {
                logger.info("partitions assigned", { region, partitions: assigned.length });
                // The merge follows the assignment; a stopping worker drains what it owned last.
                if (!stopping)
                  mergeLoop?.setOwned(assigned.filter((tp) => tp.topic === topic).map((tp) => tp.partition));
              },
            }),
          transient("consume"),
        );
        consumer.done.catch(fail);
        stopLag = watchLag({ transport, groupId, topic, consumer, metrics, region, logger }, o.lagIntervalMs);
      }
      logger.info("ingest worker started", { region, groupId, stages: o.stages, models: deps.models.length });
    },

    async stop(options = {}) {
      if (stopping) return done.catch(() => undefined);
      stopping = true;
      mergeLoop?.releaseWaiters();
      try {
        await consumer?.stop();
        await mergeLoop?.stop(options.drain ?? true);
      } catch (err) {
        if (fatal === undefined) fatal = err;
      } finally {
        stopLag?.();
        closeDuckDb?.();
        if (fatal === undefined) settle.resolve();
        else settle.reject(fatal);
      }
      return done;
    },

    progress() {
      return {
        sinkHead: mergeLoop?.sinkHead ?? -1,
        mergedThrough: mergeLoop?.mergedThrough() ?? -1,
        batches,
        inFlight,
        mergePartitions: mergeLoop?.ownedPartitions,
      };
    },

    async caughtUp() {
      if (inFlight) return false;
      if (appending) {
        const [high, committed] = await Promise.all([
          retryTransient(() => transport.latestOffsets(topic), transient("latestOffsets")),
          retryTransient(() => transport.committedOffsets(groupId, topic), transient("committedOffsets")),
        ]);
        const at = new Map(committed.map((c) => [c.partition, c.offset]));
        if (high.some((h) => h.offset > (at.get(h.partition) ?? 0n))) return false;
      }
      if (mergeLoop !== undefined && (!mergeLoop.ready || mergeLoop.mergedThrough() < mergeLoop.sinkHead))
        return false;
      return !inFlight;
    },
  };
  return worker;
}
