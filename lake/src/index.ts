// Public surface of @facsimile/lake.

export * from "./duckdb/index.js";
export {
  CommitConflictError,
  type CommitConflictReason,
  DeletionVectorError,
  InvalidBatchError,
  InvalidTableConfigError,
  isCommitConflictError,
  isLakeError,
  LakeError,
  LogCorruptError,
  LogVersionMissingError,
  SchemaMismatchError,
  TableExistsError,
  TableNotFoundError,
  UnsupportedProtocolError,
  UnsupportedTypeError,
  VersionNotFoundError,
} from "./errors.js";
export { evictLocalCopies, localFiles } from "./io/local-files.js";
export {
  createTableView,
  type ReadRowsOptions,
  readRows,
  readTable,
  type ScanOptions,
  type TableScan,
} from "./io/read-table.js";
export { type ScanFile, scanSql } from "./io/scan-sql.js";
export { quoteIdent, quoteList, quoteLiteral, tempName } from "./io/sql-text.js";
export {
  WRITE_FILES_DEFAULTS,
  type WriteFilesOptions,
  type WrittenFiles,
  writeDataFiles,
} from "./io/write-data-files.js";
export { LayoutError, REGION_PATTERN, regionLayout, TABLE_NAME_PATTERN } from "./layout/region-layout.js";
export type {
  Action,
  AddAction,
  CommitInfoAction,
  MetadataAction,
  PartitionValues,
  ProtocolAction,
  RemoveAction,
  TxnAction,
} from "./table/actions.js";
export { decodeDataPath, encodeDataPath, removeOf } from "./table/actions.js";
export { COMMIT_DEFAULTS, type CommitOptions, type CommitResult, commit } from "./table/commit.js";
export { partitionKey, type ReadSet } from "./table/conflict.js";
export { createTable, schemaFromColumns, type TableDefinition } from "./table/create-table.js";
export { type DeletionVectorDescriptor, relativeDvPath } from "./table/deletion-vectors/descriptor.js";
export { enableDeletionVectors } from "./table/deletion-vectors/enable-deletion-vectors.js";
export { deletedRowPositions } from "./table/deletion-vectors/read-deletion-vector.js";
export { deltaTypeOf, duckdbTypeOf } from "./table/duckdb-types.js";
export {
  loadSnapshot,
  type SnapshotOptions,
  tableExists,
  versionAtTimestamp,
} from "./table/load-snapshot.js";
export { type PurgeHistoryResult, purgeHistory } from "./table/purge-history.js";
export { type LogListing, listLog, readCommit } from "./table/read-log.js";
export type { DeltaField, DeltaType, TableSchema } from "./table/schema.js";
export { type Snapshot, txnVersion } from "./table/snapshot.js";
export { openTable, TABLE_DEFAULTS, type Table, type TableOptions, tableKey } from "./table/table.js";
export { writeCheckpoint } from "./table/write-checkpoint.js";
export { appendBatch } from "./writers/append.js";
export type { BatchSource } from "./writers/batch-source.js";
export { isTxnsPartlyCommittedError, TxnsPartlyCommittedError } from "./writers/committed-txns.js";
export { filesToFold } from "./writers/fold-small-files.js";
export { type LwwOrderColumns, lwwOrder } from "./writers/last-writer-wins-order.js";
export { mergeBatch } from "./writers/merge.js";
export { mergeExplodedBatch } from "./writers/merge-exploded.js";
export { WRITE_DEFAULTS, type WriteOptions, type WriteResult } from "./writers/run-write.js";
export { writeBatch } from "./writers/write-batch.js";
export {
  type AppendConfig,
  DEFAULT_LWW_COLUMNS,
  DV_DEFAULTS,
  type LwwColumns,
  type MergeConfig,
  type MergeExplodedConfig,
  type Txn,
  type Txns,
  type WriterConfig,
} from "./writers/writer-config.js";
