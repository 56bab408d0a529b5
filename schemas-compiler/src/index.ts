// Public surface of @facsimile/schemas-compiler: what builds. The ts-morph compiler from entity manifests to
// protobuf, descriptors and TypeScript; the field-number lockfile; the expand-contract check behind
// `facsimile schemas compile|check`. Used by the CLI and CI, never by runtime packages.

export {
  type CheckReport,
  type CheckSchemasOptions,
  checkExitCode,
  checkSchemas,
} from "./check/check-schemas.js";
export { formatCheckReport, REPORT_FORMATS, type ReportFormat } from "./check/format-report.js";
export { OVERRIDES_FILE, type Override, type OverridesFile } from "./check/overrides.js";
export { type Finding, isRuleId, RULE_IDS, RULES, type RuleId } from "./check/rules.js";
export {
  type Diagnostic,
  formatDiagnostic,
  SchemaCheckUsageError,
  SchemaCompileError,
} from "./compile-errors.js";
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
export { resolveSchemasDir } from "./resolve-schemas-dir.js";
