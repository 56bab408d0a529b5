// The Append writer: the batch's rows verbatim, as new files, in one commit with the batch's txn(s). Appends never
// read the table, so they never conflict with other writers' data changes; the files are written once and
// reused if the commit has to be placed again.

import { quoteIdent } from "../io/sql-text.js";
import { writeDataFiles } from "../io/write-data-files.js";
import type { Action } from "../table/actions.js";
import type { Table } from "../table/table.js";
import type { BatchSource } from "./batch-source.js";
import { runWrite, type WriteOptions, type WritePlan, type WriteResult } from "./run-write.js";
import type { AppendConfig, Txns } from "./writer-config.js";

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
        const columns = snapshot.schema.fields.map((f) => quoteIdent(f.name)).join(", ");
        const written = await writeDataFiles(
          t,
          snapshot.schema,
          snapshot.partitionColumns,
          `SELECT ${columns} FROM ${batch.name}`,
          {
            clusterBy: config.clusterBy ?? [],
            maxRowsPerFile: config.maxRowsPerFile ?? APPEND_MAX_ROWS_PER_FILE,
            ...(config.kmsKeyIdFor === undefined ? {} : { kmsKeyIdFor: config.kmsKeyIdFor }),
          },
        );
        const actions: Action[] = written.adds.map((add) => ({ add }));
        planned = {
          actions,
          read: { partitions: [] },
          operation: "WRITE",
          operationParameters: { mode: "Append" },
          // Appended files stay valid whatever else commits: keep them for the next attempt.
          disposable: [],
          rowsInBatch: written.rows,
          rowsWritten: written.rows,
        };
        return planned;
      },
    },
    options,
  );
}
