// Public surface of @facsimile/schemas.
export {
  FacsimileError,
  type FacsimileErrorOptions,
  isFacsimileError,
  UnknownEntityError,
} from "./errors.js";
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
