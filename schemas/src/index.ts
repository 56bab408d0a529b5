// Public surface of @facsimile/schemas: what runs. The runtime registry and entity codecs (what protocol,
// producer-sdk, ingest and transforms use), the generated producer types and validators, and the naming rules the
// wire format follows. The compiler and the expand-contract check are @facsimile/schemas-compiler (build time).

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
export { type SizedEntity, sizeEntity, sizeEntityByPlan, sizeEntityStrict } from "./codec/size-entity.js";
export * as wire from "./codec/wire-writer.js";
export { EntityValueError, UnknownEntityError } from "./errors.js";
export * from "./generated/inputs.js";
export { validators } from "./generated/validators.js";
export { loadDefaultRegistry } from "./load-default-registry.js";
export {
  defaultJsonName,
  entityProtoPath,
  enumValueProtoName,
  enumZeroValueName,
  toSnakeCase,
  toUpperSnakeCase,
} from "./names.js";
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
