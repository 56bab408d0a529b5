// The Append writer: the batch's rows verbatim, as new files, in one commit with the batch's txn(s). An append
// that folds nothing never reads the table, so it never conflicts with other writers' data changes; its files are
// written once and reused if the commit has to be placed again. When a touched partition is crowded with small
// files (see filesToFold), their rows are written again together with the batch's and the old files removed: that
// plan reads those partitions (a concurrent change to them makes it plan again) and is redone for each snapshot.

import { exclusive } from "../io/exclusive.js";
import { numRecordsOf } from "../io/file-stats.js";
import { localFiles } from "../io/local-files.js";
import { scanSql } from "../io/scan-sql.js";
import { quoteIdent } from "../io/sql-text.js";
import { writeDataFiles } from "../io/write-data-files.js";
import { type Action, type AddAction, decodeDataPath, removeOf } from "../table/actions.js";
import { partitionKey } from "../table/conflict.js";
import type { Snapshot } from "../table/snapshot.js";
import { type Table, tableKey } from "../table/table.js";
import { type BatchSource, countRows, type MaterializedBatch } from "./batch-source.js";
import { filesToFold } from "./fold-small-files.js";
import { batchPartitions } from "./prune-files.js";
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
  return runWrite(
    table,
    config,
    source,
    txn,
    {
      readsBatchTwice: false,
      prepare: async () => [],
      plan: async (t, snapshot, batch) => {
        if (planned !== undefined) return planned;
        const folding = (config.foldFilesAbove ?? FOLD_DEFAULTS.filesAbove) > 0 && snapshot.files.size > 0;
        const fold = !folding
          ? []
          : filesToFold(
              snapshot,
              await exclusive(t.duckdb, () => batchPartitions(t, snapshot, batch.name)),
              config,
            );
        const plan = await planAppend(t, snapshot, batch, config, source, fold);
        // Appended files stay valid whatever else commits: keep them for the next attempt (not a fold's).
        if (fold.length === 0) planned = plan;
        return plan;
      },
    },
    options,
  );
}

async function planAppend(
  t: Table,
  snapshot: Snapshot,
  batch: MaterializedBatch,
  config: AppendConfig,
  source: BatchSource,
  fold: readonly AddAction[],
): Promise<WritePlan> {
  const columns = snapshot.schema.fields.map((f) => quoteIdent(f.name)).join(", ");
  const pcols = snapshot.partitionColumns;
  let sql = `SELECT ${columns} FROM ${batch.name}`;
  // A caller's table or rows is cheap to count (a query source is a view: counting would run it twice).
  let rowsAtMost = "sql" in source ? undefined : await countRows(t, batch.name);
  if (fold.length > 0) {
    const paths = fold.map((a) => decodeDataPath(a.path));
    const local = await localFiles(
      t,
      paths.map((p) => tableKey(t, p)),
    );
    const existing = scanSql(
      snapshot.schema,
      snapshot.partitionColumns,
      fold.map((a, i) => ({
        localPath: local[i] as string,
        partitionValues: a.partitionValues,
        path: paths[i] as string,
      })),
    );
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
  return {
    actions,
    read: {
      partitions: [
        ...new Map(fold.map((a) => [partitionKey(a.partitionValues, pcols), a.partitionValues])).values(),
      ],
    },
    operation: "WRITE",
    operationParameters: { mode: "Append", ...(fold.length === 0 ? {} : { filesFolded: fold.length }) },
    disposable: fold.length === 0 ? [] : addedKeys(t, actions),
    rowsInBatch: written.rows - folded,
    rowsWritten: written.rows,
  };
}
