// Public surface of @facsimile/schemas: the runtime registry and entity codecs (what bus, producer-sdk,
// ingest and transforms use), the generated producer types and validators, and the compiler and
// expand-contract check behind `facsimile schemas compile|check`. The compiler loads ts-morph lazily,
// so importing this package at runtime never loads the TypeScript compiler.

export {
  type CheckReport,
  type CheckSchemasOptions,
  checkExitCode,
  checkSchemas,
} from "./check/check-schemas.js";
export { formatCheckReport, REPORT_FORMATS, type ReportFormat } from "./check/format-report.js";
export { OVERRIDES_FILE, type Override, type OverridesFile } from "./check/overrides.js";
export { type Finding, isRuleId, RULE_IDS, RULES, type RuleId } from "./check/rules.js";
export { ARI_PATTERN, isAri } from "./codec/ari.js";
export { decodeEntity, fromEntityMessage } from "./codec/decode-entity.js";
export { encodeEntity, encodeEntityAny, type PlainEntity, toEntityMessage } from "./codec/encode-entity.js";
export {
  type ColumnType,
  decodeEntityRow,
  entityColumns,
  type FlatRow,
  type FlatScalar,
  type FlatValue,
  type RowColumn,
  type ScalarColumnType,
} from "./codec/flatten-entity.js";
export { type SizedEntity, sizeEntity } from "./codec/size-entity.js";
export * as wire from "./codec/wire-writer.js";
export type { BuildModelInput, BuiltModel } from "./compiler/build-model.js";
export { buildModel } from "./compiler/build-model.js";
export {
  type CompileDirOptions,
  type CompileDirResult,
  compileSchemasDir,
  DEFAULT_COMPILE_DIR_OPTIONS,
} from "./compiler/compile-dir.js";
export {
  type CompiledSchemas,
  compileSchemas,
  emitCompiled,
  GENERATED_PATHS,
} from "./compiler/compile-schemas.js";
export { diffGenerated, type GeneratedDifference } from "./compiler/diff-generated.js";
export {
  EMPTY_LOCKFILE,
  LOCKFILE_NAME,
  type Lockfile,
  parseLockfile,
  serializeLockfile,
} from "./compiler/lockfile.js";
export type { FieldType, SchemaModel } from "./compiler/model.js";
export { readEntitySources } from "./compiler/read-entity-sources.js";
export { writeGenerated } from "./compiler/write-generated.js";
export { UnknownEntityError } from "./errors.js";
export * from "./generated/inputs.js";
export { validators } from "./generated/validators.js";
export { loadDefaultRegistry } from "./load-default-registry.js";
export {
  createSchemaRegistry,
  ENTITY_PACKAGE,
  ENVELOPE_PACKAGE,
  type EntityInfo,
  type EntityStatus,
  type RegistryManifest,
  type SchemaRegistry,
  TYPE_URL_PREFIX,
} from "./registry.js";
export {
  type Diagnostic,
  EntityValueError,
  formatDiagnostic,
  SchemaCheckUsageError,
  SchemaCompileError,
} from "./schema-errors.js";
