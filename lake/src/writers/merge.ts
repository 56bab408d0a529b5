// The Merge writer: an upsert on the primary key (within the partition) where the last writer wins: greatest
// (generation, version), then a tombstone, then the greater payload hash; the whole row's hash breaks the
// remaining ties so the result never depends on order. The batch is de-duplicated first (DuckDB's MERGE would
// not reject duplicate keys). Tombstones stay as flagged rows, so a late older update cannot resurrect a row.
import { quoteIdent, tempName } from "../io/sql-text.js";
import type { Table } from "../table/table.js";
import { type BatchSource, countRows } from "./batch-source.js";
import { checkColumns, checkLwwColumns, checkNoNulls } from "./check-batch.js";
import { lwwOrder } from "./last-writer-wins-order.js";
import { HASH, KEEP, planRewrite, SRC } from "./rewrite-partitions.js";
import { runWrite, type WriteOptions, type WriteResult } from "./run-write.js";
import { lwwColumnsOf, type MergeConfig, type Txns } from "./writer-config.js";

export async function mergeBatch(
  table: Table,
  config: MergeConfig,
  source: BatchSource,
  /** One txn or several; all are recorded in the one commit (see runWrite). */
  txn: Txns,
  options: Partial<WriteOptions> = {},
): Promise<WriteResult> {
  const lww = lwwColumnsOf(config);
  let deduped = "";
  let rowsInBatch = 0;
  let rank = { key: "", order: "" };
  return runWrite(
    table,
    config,
    source,
    txn,
    {
      readsBatchTwice: true,
      prepare: async (t, snapshot, batch) => {
        rowsInBatch = await countRows(t, batch.name);
        checkColumns(t, snapshot, config.primaryKey, "primary key");
        checkLwwColumns(t, snapshot, lww);
        await checkNoNulls(t, batch.name, [...config.primaryKey, lww.generation, lww.version]);
        const columns = snapshot.schema.fields.map((f) => quoteIdent(f.name)).join(", ");
        const key = [...new Set([...snapshot.partitionColumns, ...config.primaryKey])]
          .map(quoteIdent)
          .join(", ");
        rank = { key, order: [...lwwOrder(lww), `hash(${columns}) DESC`].join(", ") };
        deduped = tempName("dedup");
        await t.duckdb.run(
          `CREATE TEMP TABLE ${deduped} AS SELECT ${columns} FROM ${batch.name} ` +
            `QUALIFY row_number() OVER (PARTITION BY ${rank.key} ORDER BY ${rank.order}) = 1`,
        );
        return [deduped];
      },
      plan: (t, snapshot) =>
        planRewrite(t, snapshot, deduped, rowsInBatch, config, {
          operation: "MERGE",
          keyColumns: config.primaryKey,
          rankColumns: [lww.generation, lww.version, lww.tombstone, lww.payloadHash],
          readsUnionOnce: true,
          clusterBy: config.primaryKey,
          // The same order as the batch's dedup, with the whole-row hash precomputed in HASH.
          keepSql: (union) =>
            `SELECT *, row_number() OVER (PARTITION BY ${rank.key} ORDER BY ${[...lwwOrder(lww), `${HASH} DESC`].join(", ")}, ` +
            `${SRC} ASC) = 1 AS ${KEEP} FROM ${union}`,
        }),
    },
    options,
  );
}
