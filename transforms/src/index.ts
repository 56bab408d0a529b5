// Public surface of @facsimile/transforms: the source relation an entity's records are loaded into, the SQL models
// (dbt-style templates with generated defaults) compiled to DuckDB SQL with their writer configuration, and the
// checks that keep one bad model or record from stopping the rest. The contract is in transforms/README.md.

export {
  CHECK_MODELS_DEFAULTS,
  type CheckModelsOptions,
  checkModels,
  type ModelColumn,
  type ModelsCheck,
  wrapModelSql,
} from "./check/check-models.js";
export {
  type FailingRow,
  FIND_FAILING_ROWS_DEFAULTS,
  type FindFailingRowsOptions,
  findFailingRows,
} from "./check/find-failing-rows.js";
export {
  formatLocation,
  isTransformError,
  ModelConfigError,
  ModelConflictError,
  type ModelLocation,
  ModelSqlError,
  ModelsDirError,
  ModelTemplateError,
  SourceRowError,
  SourceSchemaError,
  TransformError,
  UnknownModelError,
} from "./errors.js";
export {
  COMPILE_MODEL_DEFAULTS,
  type CompiledModel,
  type CompileModelOptions,
  compileModel,
} from "./models/compile-model.js";
export {
  COMPILE_MODELS_DEFAULTS,
  type CompiledModels,
  type CompileModelsOptions,
  compileModels,
  modelSources,
} from "./models/compile-models.js";
export { defaultModels, defaultModelTemplate } from "./models/default-models.js";
export { MACRO_NAMES, SOURCE_GROUP, timestampSql } from "./models/macros.js";
export {
  type AppendWriter,
  CONFIG_KEYS,
  type LwwColumns,
  type MergeExplodedWriter,
  type MergeWriter,
  type ModelWriterConfig,
  WRITER_KINDS,
  type WriterKind,
  writerColumns,
} from "./models/model-config.js";
export { DEFAULT_MODELS_DIR, readModelFiles } from "./models/read-model-files.js";
export type { ModelSource } from "./models/render-template.js";
export { defaultTableName, snakeCase, sourceRelationName } from "./names.js";
export {
  CREATE_SOURCE_TABLE_DEFAULTS,
  type CreateSourceTableOptions,
  createSourceTable,
  type SourceTable,
  sourceTableDdl,
} from "./source/create-source-table.js";
export {
  LOAD_SOURCE_DEFAULTS,
  type LoadSourceOptions,
  type LoadSourceResult,
  loadSourceRows,
  type RejectedRecord,
  type SourceRecord,
} from "./source/load-source-rows.js";
export {
  DELIVERY_COLUMNS,
  duckdbColumnType,
  ENVELOPE_COLUMNS,
  ENVELOPE_LWW_COLUMNS,
  METADATA_COLUMNS,
  REQUIRED_COLUMNS,
  RESOURCE_KEY_COLUMN,
  type SourceColumn,
  type SourceColumnRole,
  sourceColumns,
  WORKSPACE_PARTITION_COLUMN,
} from "./source/source-columns.js";
