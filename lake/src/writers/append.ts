// The Append writer: the batch's rows verbatim, as new files, in one commit with the batch's txn(s). An append
// that folds nothing never reads the table, so it never conflicts with other writers' data changes; its files are
// written once and reused if the commit has to be placed again. When a touched partition is crowded with small
// files (see filesToFold), their rows are written again together with the batch's and the old files removed: that
// plan reads those partitions (a concurrent change to them makes it plan again) and is redone for each snapshot.
// With a unique key the append is idempotent: the batch is de-duplicated on (partition, key) and rows whose key a
// live file of the partition already holds are left out; that plan reads the touched partitions too.

import { exclusive } from "../io/exclusive.js";
import { numRecordsOf } from "../io/file-stats.js";
import { scanFiles } from "../io/scan-files.js";
import { quoteIdent, tempName } from "../io/sql-text.js";
import { writeDataFiles } from "../io/write-data-files.js";
import { type Action, type AddAction, type PartitionValues, removeOf } from "../table/actions.js";
import { partitionKey } from "../table/conflict.js";
import type { Snapshot } from "../table/snapshot.js";
import type { Table } from "../table/table.js";
import { type BatchSource, countRows, type MaterializedBatch } from "./batch-source.js";
import { checkColumns } from "./check-batch.js";
import { filesToFold } from "./fold-small-files.js";
import { batchPartitions, candidateFiles } from "./prune-files.js";
import { addedKeys, runWrite, type WriteOptions, type WritePlan, type WriteResult } from "./run-write.js";
import { type AppendConfig, FOLD_DEFAULTS, type Txns } from "./writer-config.js";

export const APPEND_MAX_ROWS_PER_FILE = 1_000_000;

export async function appendBatch(
  table: Table,
  config: AppendConfig,
  source: BatchSource,
  /** One txn or several; all are recorded in the one commit (see runWrite). */
  txn: Txns,
  options: Partial<WriteOptions> = {},
): Promise<WriteResult> {
  let planned: WritePlan | undefined;
  const unique = config.uniqueKey;
  /** The batch de-duplicated on (partition, unique key); the batch itself without a unique key. */
  let rows = "";
  return runWrite(
    table,
    config,
    source,
    txn,
    {
      readsBatchTwice: false,
      prepare: async (t, layout, batch) => {
        rows = batch.name;
        if (unique === undefined) return [];
        checkColumns(t, layout, unique, "unique key");
        const columns = layout.schema.fields.map((f) => quoteIdent(f.name)).join(", ");
        const key = [...new Set([...layout.partitionColumns, ...unique])].map(quoteIdent).join(", ");
        rows = tempName("unique");
        // Rows with one key are one record delivered several times: which one stays must not depend on order.
        await t.duckdb.run(
          `CREATE TEMP TABLE ${rows} AS SELECT ${columns} FROM ${batch.name} ` +
            `QUALIFY row_number() OVER (PARTITION BY ${key} ORDER BY hash(${columns})) = 1`,
        );
        return [rows];
      },
      plan: async (t, snapshot, batch) => {
        if (planned !== undefined) return planned;
        const reads = unique !== undefined;
        const folding = (config.foldFilesAbove ?? FOLD_DEFAULTS.filesAbove) > 0 && snapshot.files.size > 0;
        const partitions =
          reads || folding ? await exclusive(t.duckdb, () => batchPartitions(t, snapshot, rows)) : [];
        const fold = folding ? filesToFold(snapshot, partitions, config) : [];
        const known =
          reads && unique !== undefined
            ? await exclusive(t.duckdb, () => candidateFiles(t, snapshot, partitions, rows, unique))
            : [];
        const plan = await planAppend(t, snapshot, { ...batch, name: rows }, config, source, fold, {
          known,
          partitions: reads ? partitions : [],
        });
        // Appended files stay valid whatever else commits: keep them for the next attempt (not a fold's, and not
        // when the rows left out depend on what the partitions held).
        if (fold.length === 0 && !reads) planned = plan;
        return plan;
      },
    },
    options,
  );
}

/** What a unique-key append read: the live files that may hold a batch key, and the partitions it touched. */
interface KnownKeys {
  readonly known: readonly AddAction[];
  readonly partitions: readonly PartitionValues[];
}

/** SQL reading the given live files as table rows. */
async function filesSql(t: Table, snapshot: Snapshot, files: readonly AddAction[]): Promise<string> {
  return (await scanFiles(t, snapshot, files)).sql;
}

async function planAppend(
  t: Table,
  snapshot: Snapshot,
  batch: MaterializedBatch,
  config: AppendConfig,
  source: BatchSource,
  fold: readonly AddAction[],
  keys: KnownKeys,
): Promise<WritePlan> {
  const columns = snapshot.schema.fields.map((f) => quoteIdent(f.name)).join(", ");
  const pcols = snapshot.partitionColumns;
  let sql = `SELECT ${columns} FROM ${batch.name}`;
  const unique = config.uniqueKey;
  if (unique !== undefined && keys.known.length > 0) {
    const on = [...new Set([...pcols, ...unique])]
      .map((c) => `__fx_k.${quoteIdent(c)} IS NOT DISTINCT FROM __fx_b.${quoteIdent(c)}`)
      .join(" AND ");
    sql =
      `SELECT ${columns} FROM ${batch.name} AS __fx_b WHERE NOT EXISTS ` +
      `(SELECT 1 FROM (${await filesSql(t, snapshot, keys.known)}) AS __fx_k WHERE ${on})`;
  }
  // A caller's table or rows is cheap to count (a query source is a view: counting would run it twice).
  let rowsAtMost = "sql" in source && unique === undefined ? undefined : await countRows(t, batch.name);
  if (fold.length > 0) {
    const existing = await filesSql(t, snapshot, fold);
    sql += ` UNION ALL SELECT ${columns} FROM (${existing}) AS __fx_fold`;
    if (rowsAtMost !== undefined)
      for (const a of fold) rowsAtMost += numRecordsOf(a) ?? Number.POSITIVE_INFINITY;
  }
  const written = await writeDataFiles(t, snapshot.schema, snapshot.partitionColumns, sql, {
    clusterBy: config.clusterBy ?? [],
    maxRowsPerFile: config.maxRowsPerFile ?? APPEND_MAX_ROWS_PER_FILE,
    ...(rowsAtMost === undefined || !Number.isFinite(rowsAtMost) ? {} : { rowsAtMost }),
    ...(config.kmsKeyIdFor === undefined ? {} : { kmsKeyIdFor: config.kmsKeyIdFor }),
  });
  const now = Date.now();
  const actions: Action[] = [
    ...fold.map((a) => ({ remove: removeOf(a, now) })),
    ...written.adds.map((add) => ({ add })),
  ];
  const folded = fold.reduce((n, a) => n + (numRecordsOf(a) ?? 0), 0);
  const read = [...fold.map((a) => a.partitionValues), ...keys.partitions];
  return {
    actions,
    read: {
      partitions: [...new Map(read.map((p) => [partitionKey(p, pcols), p])).values()],
    },
    operation: "WRITE",
    operationParameters: {
      mode: "Append",
      ...(fold.length === 0 ? {} : { filesFolded: fold.length }),
      ...(unique === undefined ? {} : { uniqueKey: JSON.stringify(unique) }),
    },
    disposable: fold.length === 0 ? [] : addedKeys(t, actions),
    rowsInBatch: written.rows - folded,
    rowsWritten: written.rows,
  };
}
