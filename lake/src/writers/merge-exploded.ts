// The MergeExploded writer: a parent key owns a set of child rows (an exploded array). Per parent, the versions
// (generation, version, tombstone, payload hash) in the batch and in the table are ranked by LWW; all rows of
// the winning version stay and every row of any other version goes. A winning tombstone keeps only its own
// flagged row(s), so an older version arriving later cannot bring the children back. Exact duplicate deliveries
// of a version are collapsed on the child key before anything else.
import { quoteIdent, tempName } from "../io/sql-text.js";
import type { Table } from "../table/table.js";
import { type BatchSource, countRows } from "./batch-source.js";
import { checkColumns, checkLwwColumns, checkNoNulls } from "./check-batch.js";
import { lwwOrder } from "./last-writer-wins-order.js";
import { KEEP, planRewrite, SRC } from "./rewrite-partitions.js";
import { runWrite, type WriteOptions, type WriteResult } from "./run-write.js";
import { lwwColumnsOf, type MergeExplodedConfig, type Txns } from "./writer-config.js";

export async function mergeExplodedBatch(
  table: Table,
  config: MergeExplodedConfig,
  source: BatchSource,
  /** One txn or several; all are recorded in the one commit (see runWrite). */
  txn: Txns,
  options: Partial<WriteOptions> = {},
): Promise<WriteResult> {
  const lww = lwwColumnsOf(config);
  const tomb = quoteIdent(lww.tombstone);
  let deduped = "";
  let rowsInBatch = 0;
  let parent: string[] = [];
  return runWrite(
    table,
    config,
    source,
    txn,
    {
      readsBatchTwice: true,
      prepare: async (t, snapshot, batch) => {
        rowsInBatch = await countRows(t, batch.name);
        checkColumns(t, snapshot, config.parentKey, "parent key");
        checkColumns(t, snapshot, config.childKey, "child key");
        checkLwwColumns(t, snapshot, lww);
        await checkNoNulls(t, batch.name, [...config.parentKey, lww.generation, lww.version]);
        const columns = snapshot.schema.fields.map((f) => quoteIdent(f.name)).join(", ");
        parent = [...new Set([...snapshot.partitionColumns, ...config.parentKey])].map(quoteIdent);
        const versionOf = [
          quoteIdent(lww.generation),
          quoteIdent(lww.version),
          `coalesce(${tomb}, false)`,
          quoteIdent(lww.payloadHash),
        ];
        deduped = tempName("dedup");
        await t.duckdb.run(
          `CREATE TEMP TABLE ${deduped} AS SELECT ${columns} FROM ${batch.name} QUALIFY row_number() OVER (` +
            `PARTITION BY ${[...parent, ...versionOf, ...config.childKey.map(quoteIdent)].join(", ")} ` +
            `ORDER BY hash(${columns}) DESC) = 1`,
        );
        return [deduped];
      },
      plan: (t, snapshot) =>
        planRewrite(t, snapshot, deduped, rowsInBatch, config, {
          operation: "MERGE",
          keyColumns: config.parentKey,
          rankColumns: [lww.generation, lww.version, lww.tombstone, lww.payloadHash],
          readsUnionOnce: false,
          clusterBy: [...config.parentKey, ...config.childKey],
          keepSql: (union) => {
            const versionCols = [
              ...parent,
              quoteIdent(lww.generation),
              quoteIdent(lww.version),
              quoteIdent(lww.payloadHash),
              SRC,
            ];
            const same = versionCols.map((c) => `u.${c} IS NOT DISTINCT FROM w.${c}`);
            return (
              `WITH v AS (SELECT DISTINCT ${versionCols.join(", ")}, coalesce(${tomb}, false) AS ${tomb} FROM ${union}), ` +
              `w AS (SELECT * FROM v QUALIFY row_number() OVER (PARTITION BY ${parent.join(", ")} ` +
              `ORDER BY ${[...lwwOrder(lww), `${SRC} ASC`].join(", ")}) = 1) ` +
              `SELECT u.*, w.${SRC} IS NOT NULL AS ${KEEP} FROM ${union} u LEFT JOIN w ON ${same.join(" AND ")} ` +
              `AND coalesce(u.${tomb}, false) = w.${tomb}`
            );
          },
        }),
    },
    options,
  );
}
