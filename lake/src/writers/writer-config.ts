// The configuration of the three writers (Append, Merge, MergeExploded) and the last-writer-wins columns they
// share with the bus: for one key, the greatest (generation, version) wins; on a tie a tombstone wins, then the
// greater payload hash. Types, defaults and validation only.
import { isIntegerInRange } from "@facsimile/core";
import { InvalidTableConfigError } from "../errors.js";
import type { PartitionValues } from "../table/actions.js";

/** Which batch columns carry the LWW order (the ingest stage maps envelope fields onto them). */
export interface LwwColumns {
  /** BIGINT/INTEGER: bumped when a resource or workspace is deleted and may come back. */
  readonly generation: string;
  /** BIGINT/INTEGER: producer-chosen, monotonic per resource. */
  readonly version: string;
  /** BOOLEAN: the record deletes the resource (NULL counts as false). */
  readonly tombstone: string;
  /** VARCHAR: lowercase hex sha256 of the payload; NULL sorts lowest. */
  readonly payloadHash: string;
}

export const DEFAULT_LWW_COLUMNS: Readonly<LwwColumns> = Object.freeze({
  generation: "_generation",
  version: "_version",
  tombstone: "_is_tombstone",
  payloadHash: "_payload_hash",
});

interface CommonConfig {
  /** Hive partition columns; used when the writer creates the table, checked against it otherwise. */
  readonly partitionColumns?: readonly string[];
  /** Split a partition's rows into files of at most this many rows (0 = one file per partition and write). */
  readonly maxRowsPerFile?: number;
  /** The KMS key id of a partition's data files (BYOK); undefined = the store's default. */
  readonly kmsKeyIdFor?: (partitionValues: PartitionValues) => string | undefined;
  /**
   * Small-file folding: when a partition the write touches holds at least this many live files, its files under
   * `smallFileBytes` are folded into the write's new file (read, kept rows rewritten, the old files removed), so
   * streaming writes leave at most about this many files per partition plus the large ones. 0 turns it off.
   * Default FOLD_DEFAULTS.filesAbove.
   */
  readonly foldFilesAbove?: number;
  /** Files at least this large are never folded by a write (compaction's job). Default FOLD_DEFAULTS.smallFileBytes. */
  readonly smallFileBytes?: number;
  /**
   * Deletion vectors: the writer creates the table with them (reader 3 / writer 7, `delta.enableDeletionVectors`)
   * or upgrades an existing table's protocol once, and merges then mark the rows they replace in a deletion
   * vector instead of rewriting the file, writing only the new rows. Default false: the table stays reader 1 /
   * writer 2 for readers without deletion vectors. A table whose DVs are on gets them whatever this says.
   */
  readonly deletionVectors?: boolean;
  /**
   * A file whose deleted rows would exceed this share of its rows is rewritten without them instead of getting a
   * larger deletion vector (a rewrite then writes at most as many rows as it drops). Default DV_DEFAULTS.rewriteAbove.
   */
  readonly dvRewriteAbove?: number;
}

/** Deletion vectors during merges (see CommonConfig.deletionVectors). */
export const DV_DEFAULTS = Object.freeze({ rewriteAbove: 0.5 });

/** Small-file folding during writes (see CommonConfig.foldFilesAbove). */
export const FOLD_DEFAULTS = Object.freeze({ filesAbove: 16, smallFileBytes: 32 * 1024 * 1024 });

/** Rows verbatim. */
export interface AppendConfig extends CommonConfig {
  readonly kind: "append";
  /** Sort rows by these columns within a partition before writing (tighter file statistics). */
  readonly clusterBy?: readonly string[];
  /**
   * Columns identifying a row within its partition (e.g. a record's resource, generation and version). When set,
   * the append is idempotent: a row whose key the partition already holds, or that the batch holds twice, is
   * written once, so redeliveries never add a row twice. The plan then reads the touched partitions' keys (a
   * concurrent change to them makes it plan again). Unset: rows verbatim, a blind append.
   */
  readonly uniqueKey?: readonly string[];
}

/** Upsert on a primary key: the LWW winner per key stays (tombstones stay as flagged rows). */
export interface MergeConfig extends CommonConfig {
  readonly kind: "merge";
  /** Columns identifying a row within its partition. Rows are matched on partition columns + this key. */
  readonly primaryKey: readonly string[];
  readonly lww?: Partial<LwwColumns>;
}

/**
 * A parent key owns a set of child rows (an exploded array): the LWW-winning parent version's rows replace all
 * rows of older versions; a winning tombstone leaves only its own flagged row(s). Every parent version needs at
 * least one row: send a version with an empty array (and a tombstone) as one row with NULL child columns (a LEFT
 * JOIN UNNEST does that), or it cannot win over the older versions already in the table.
 */
export interface MergeExplodedConfig extends CommonConfig {
  readonly kind: "merge-exploded";
  readonly parentKey: readonly string[];
  /** Identifies a child within one parent version (an element id or its array index); used to drop duplicates. */
  readonly childKey: readonly string[];
  readonly lww?: Partial<LwwColumns>;
}

export type WriterConfig = AppendConfig | MergeConfig | MergeExplodedConfig;

/** A writer's idempotency token: a batch with (appId, version) is committed at most once. */
export interface Txn {
  readonly appId: string;
  /** Monotonic per appId (a Kafka offset, a source table version); a batch at or below the committed one is skipped. */
  readonly version: number;
}

export function lwwColumnsOf(config: MergeConfig | MergeExplodedConfig): LwwColumns {
  return { ...DEFAULT_LWW_COLUMNS, ...config.lww };
}

/**
 * The txns of one write: a single Txn, or several (one commit advancing many appIds, e.g. every Kafka partition
 * of a micro-batch). All of them go into the same commit.
 */
export type Txns = Txn | readonly Txn[];

/** The txns as a list (a single Txn is a list of one). */
export function txnList(txns: Txns): readonly Txn[] {
  return isTxnArray(txns) ? txns : [txns];
}

function isTxnArray(txns: Txns): txns is readonly Txn[] {
  return Array.isArray(txns);
}

export function checkTxn(table: string, txn: Txn): void {
  if (txn.appId === "" || !isIntegerInRange(txn.version, { min: 0 }))
    throw new InvalidTableConfigError(
      table,
      `txn needs a non-empty appId and a non-negative safe integer version, got ${JSON.stringify(txn)}`,
    );
}

/** Every txn valid, at least one, and no appId twice (a commit records one version per appId). */
export function checkTxns(table: string, txns: Txns): readonly Txn[] {
  const list = txnList(txns);
  if (list.length === 0)
    throw new InvalidTableConfigError(table, "a write needs at least one txn, got an empty list");
  const seen = new Set<string>();
  for (const txn of list) {
    checkTxn(table, txn);
    if (seen.has(txn.appId))
      throw new InvalidTableConfigError(
        table,
        `txn appId ${JSON.stringify(txn.appId)} appears twice in one write; give each appId once`,
      );
    seen.add(txn.appId);
  }
  return list;
}
