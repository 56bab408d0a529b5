// Which live files of the touched partitions can hold a key of the batch, from the files' min/max statistics
// (DuckDB compares the batch keys with the bounds, typed as the key columns, so 64-bit keys stay exact).
// A file without usable bounds for a key column can hold anything. Read-only.

import { quoteIdent, quoteLiteral, tempName } from "../io/sql-text.js";
import type { AddAction, PartitionValues } from "../table/actions.js";
import { partitionKey } from "../table/conflict.js";
import { duckdbTypeOf } from "../table/duckdb-types.js";
import { canonicalPartitionValue, partitionTypesOf, partitionValueSql } from "../table/partition-values.js";
import type { Snapshot } from "../table/snapshot.js";
import type { Table } from "../table/table.js";
import { dropTemp } from "./batch-source.js";

/** The partition value text of each of the batch's partition columns, as the writer serializes it. */
function partitionTextSql(snapshot: Snapshot): string[] {
  const types = partitionTypesOf(snapshot.schema, snapshot.partitionColumns);
  return snapshot.partitionColumns.map((c) => partitionValueSql(quoteIdent(c), types.get(c) ?? "string"));
}

/** The distinct partitions of a batch table, as Delta partition values (canonical). Runs inside exclusive(). */
export async function batchPartitions(
  table: Table,
  snapshot: Snapshot,
  batch: string,
): Promise<PartitionValues[]> {
  const pcols = snapshot.partitionColumns;
  if (pcols.length === 0) return [{}];
  const reader = await table.duckdb.runAndReadAll(
    `SELECT DISTINCT ${partitionTextSql(snapshot).join(", ")} FROM ${batch}`,
  );
  return reader
    .getRows()
    .map((row) => Object.fromEntries(pcols.map((c, i) => [c, row[i] === null ? null : String(row[i])])));
}

/** Live files of `partitions` whose key bounds can hold a key of `batch` (on `keyColumns`). Runs inside exclusive(). */
export async function candidateFiles(
  table: Table,
  snapshot: Snapshot,
  partitions: readonly PartitionValues[],
  batch: string,
  keyColumns: readonly string[],
): Promise<AddAction[]> {
  const pcols = snapshot.partitionColumns;
  const ptypes = partitionTypesOf(snapshot.schema, pcols);
  const wanted = new Set(partitions.map((p) => partitionKey(p, pcols, ptypes)));
  const inPartitions = [...snapshot.files.values()].filter((a) =>
    wanted.has(partitionKey(a.partitionValues, pcols, ptypes)),
  );
  if (inPartitions.length === 0) return [];
  const files = tempName("files");
  const structure = JSON.stringify([
    Object.fromEntries([["i", "BIGINT"], ["stats", "VARCHAR"], ...pcols.map((_, i) => [`p${i}`, "VARCHAR"])]),
  ]);
  const rows = inPartitions.map((a, i) =>
    Object.fromEntries([
      ["i", i],
      ["stats", a.stats ?? null],
      ...pcols.map((c, j) => [`p${j}`, canonicalPartitionValue(a.partitionValues[c], ptypes.get(c))]),
    ]),
  );
  const types = new Map(snapshot.schema.fields.map((f) => [f.name, duckdbTypeOf(f.type)]));
  // The bounds are parsed once per file into typed columns (not once per file and batch key in the join).
  const kinds = new Map(snapshot.schema.fields.map((f) => [f.name, f.type]));
  const bound = (side: string, c: string) => {
    const value = `TRY_CAST(json_extract_string(r.stats, ${quoteLiteral(`$.${side}.${JSON.stringify(c)}`)}) AS ${types.get(c)})`;
    // Timestamp statistics are truncated to milliseconds (Spark, delta-rs): the true maximum may be up to 1 ms on.
    const ts = kinds.get(c) === "timestamp" || kinds.get(c) === "timestamp_ntz";
    return ts && side === "maxValues" ? `(${value} + INTERVAL 1 MILLISECOND)` : value;
  };
  const bounds = keyColumns.flatMap((c, k) => [
    `${bound("minValues", c)} AS __fx_min${k}`,
    `${bound("maxValues", c)} AS __fx_max${k}`,
  ]);
  await table.duckdb.run(
    `CREATE TEMP TABLE ${files} AS SELECT r.i, ${[...pcols.map((_, i) => `r.p${i}`), ...bounds].join(", ")} ` +
      `FROM (SELECT unnest(from_json($1::JSON, ${quoteLiteral(structure)})) AS r)`,
    [JSON.stringify(rows)],
  );
  try {
    const on = pcols.map((_, i) => `f.p${i} IS NOT DISTINCT FROM k.${quoteIdent(`__fx_p${i}`)}`);
    const within = keyColumns.flatMap((c, k) => [
      `(f.__fx_min${k} IS NULL OR k.${quoteIdent(c)} >= f.__fx_min${k})`,
      `(f.__fx_max${k} IS NULL OR k.${quoteIdent(c)} <= f.__fx_max${k})`,
    ]);
    const keys =
      `SELECT DISTINCT ${[...partitionTextSql(snapshot).map((e, i) => `${e} AS ${quoteIdent(`__fx_p${i}`)}`), ...keyColumns.map(quoteIdent)].join(", ")} ` +
      `FROM ${batch}`;
    const reader = await table.duckdb.runAndReadAll(
      `SELECT DISTINCT f.i FROM ${files} f JOIN (${keys}) k ON ${on.length > 0 ? on.join(" AND ") : "true"}` +
        `${within.length > 0 ? ` WHERE ${within.join(" AND ")}` : ""}`,
    );
    return reader.getRows().map(([i]) => inPartitions[Number(i)] as AddAction);
  } finally {
    await dropTemp(table, files);
  }
}
