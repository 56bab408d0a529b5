// The raw sink of a region: one append-only Delta table (regionLayout.sink(region)) holding every accepted record
// as delivered, partitioned by the UTC day of its record time so a micro-batch writes a few files, not one per
// workspace (the target tables are the ones partitioned by workspace). Its `txn` per Kafka partition
// (appId `sink:<topic>:<partition>`, version = last offset appended) is what makes a replay write nothing twice.
// Names and shapes only; no I/O.
import type { AppendConfig } from "@facsimile/lake";

/** Columns of the sink, in table order, with their DuckDB types. */
export const SINK_COLUMNS = Object.freeze([
  ["resource_ari", "VARCHAR"],
  ["entity_type", "INTEGER"],
  ["entity_name", "VARCHAR"],
  ["type_url", "VARCHAR"],
  ["workspace_id", "VARCHAR"],
  ["version", "BIGINT"],
  ["generation", "BIGINT"],
  ["is_tombstone", "BOOLEAN"],
  ["payload_hash", "VARCHAR"],
  ["offloaded", "BOOLEAN"],
  /** The entity message bytes, offloads already fetched and verified; NULL for a tombstone without payload. */
  ["payload", "BLOB"],
  ["kafka_topic", "VARCHAR"],
  ["kafka_partition", "INTEGER"],
  ["kafka_offset", "BIGINT"],
  /** The Kafka message timestamp: what freshness is measured from. */
  ["record_time", "TIMESTAMPTZ"],
  ["ingest_time", "TIMESTAMPTZ"],
  ["record_day", "DATE"],
] as const);

export type SinkColumn = (typeof SINK_COLUMNS)[number][0];

export const SINK_PARTITION_COLUMNS: readonly SinkColumn[] = Object.freeze(["record_day"]);

// One file per record_day per batch (maxRowsPerFile 0): a micro-batch is far below the lake's 1M-row split, and
// the split's row_number() window over the whole day is a serial sort of the batch that bought nothing here
// (rows are not sorted inside files); the sink is read back by version, not by key range.
// No small-file folding either: the merge reads the sink back by the files each version added, and a fold would
// rewrite rows of earlier versions; the sink's day partitions are compacted by maintenance (optimize).
export const SINK_WRITER: Readonly<AppendConfig> = Object.freeze({
  kind: "append",
  partitionColumns: SINK_PARTITION_COLUMNS,
  maxRowsPerFile: 0,
  foldFilesAbove: 0,
});

const SINK_APP_PREFIX = "sink:";

/** The sink's txn appId of a Kafka partition. */
export function sinkAppId(topic: string, partition: number): string {
  return `${SINK_APP_PREFIX}${topic}:${partition}`;
}

/** True for a sink txn appId (sinkAppId's). */
export function isSinkAppId(appId: string): boolean {
  return appId.startsWith(SINK_APP_PREFIX);
}

/** The txn appId of the merge stage on a target table: its version is the last sink version merged. */
export function mergeAppId(sinkPath: string): string {
  return `merge:${sinkPath}`;
}
