// One entry point for the ingest stage: the writer its configuration names.
import type { Table } from "../table/table.js";
import { appendBatch } from "./append.js";
import type { BatchSource } from "./batch-source.js";
import { mergeBatch } from "./merge.js";
import { mergeExplodedBatch } from "./merge-exploded.js";
import type { WriteOptions, WriteResult } from "./run-write.js";
import type { Txns, WriterConfig } from "./writer-config.js";

export async function writeBatch(
  table: Table,
  config: WriterConfig,
  source: BatchSource,
  /** One txn or several; all are recorded in the one commit (see runWrite). */
  txn: Txns,
  options: Partial<WriteOptions> = {},
): Promise<WriteResult> {
  switch (config.kind) {
    case "append":
      return appendBatch(table, config, source, txn, options);
    case "merge":
      return mergeBatch(table, config, source, txn, options);
    case "merge-exploded":
      return mergeExplodedBatch(table, config, source, txn, options);
  }
}
