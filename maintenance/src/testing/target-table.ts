// A target-like table for tests and benches: the columns purge-tombstones, restore and the erasure registry read
// (workspace_id, envelope_fields_*, row_refreshed_at) plus one value column, merged through the lake's writer.
import { type MergeConfig, mergeBatch, quoteLiteral, type Table, type WriteResult } from "@facsimile/lake";

export const TARGET_MERGE: Readonly<MergeConfig> = Object.freeze({
  kind: "merge",
  primaryKey: ["envelope_fields_resource_ari_value"],
  partitionColumns: ["workspace_id"],
  foldFilesAbove: 0,
  lww: {
    generation: "envelope_fields_generation_counter",
    version: "envelope_fields_version",
    tombstone: "envelope_fields_is_tombstone",
    payloadHash: "envelope_fields_payload_hash",
  },
});

export interface TargetRow {
  readonly workspace: string;
  readonly resource: string;
  readonly version: number;
  readonly generation?: number;
  readonly tombstone?: boolean;
  /** ms since the epoch; default now. */
  readonly at?: number;
  readonly value?: string;
}

export function targetRowsSql(rows: readonly TargetRow[]): string {
  const values = rows
    .map(
      (r) =>
        `(${quoteLiteral(r.workspace)}, ${quoteLiteral(r.resource)}, ${r.generation ?? 0}::BIGINT, ${r.version}::BIGINT, ` +
        `${r.tombstone === true}, md5(${quoteLiteral(`${r.resource}:${r.version}`)}), ` +
        `to_timestamp(${(r.at ?? Date.now()) / 1000}), ${r.tombstone === true ? "NULL" : quoteLiteral(r.value ?? `v${r.version}`)}::VARCHAR)`,
    )
    .join(", ");
  return (
    "SELECT * FROM (VALUES " +
    values +
    ") AS t(workspace_id, envelope_fields_resource_ari_value, envelope_fields_generation_counter, " +
    "envelope_fields_version, envelope_fields_is_tombstone, envelope_fields_payload_hash, row_refreshed_at, val)"
  );
}

/** One merge of `rows` (txn appId `test`, version = `batch`). */
export function mergeTargetRows(
  table: Table,
  rows: readonly TargetRow[],
  batch: number,
  config: Partial<MergeConfig> = {},
): Promise<WriteResult> {
  return mergeBatch(
    table,
    { ...TARGET_MERGE, ...config },
    { sql: targetRowsSql(rows) },
    { appId: "test", version: batch },
  );
}
