// Public surface of @facsimile/object-store: the ObjectStore interface, its errors, key rules, the local store and
// openObjectStore (file paths and s3:// URLs). Importable without the table format or DuckDB, and without the AWS
// SDK: the S3 store is in @facsimile/object-store/s3, loaded lazily by openObjectStore for s3:// URLs; the AWS KMS
// key service in @facsimile/object-store/kms. BYOK: the local keystore and envelope encryption, key routing.
export {
  InvalidObjectKeyError,
  isStoreError,
  KmsKeyError,
  KmsKeyUnavailableError,
  ObjectExistsError,
  ObjectIntegrityError,
  ObjectNotFoundError,
  ObjectStoreError,
  StoreError,
} from "./errors.js";
export { envelopeKeyId, isEnvelope } from "./keys/envelope.js";
export type { KeyInfo, KeyService, KeyState } from "./keys/key-service.js";
export { LocalKeystore } from "./keys/local-keystore.js";
export {
  LOCAL_OBJECT_STORE_DEFAULTS,
  LOCAL_RESERVED_DIR,
  LocalObjectStore,
  type LocalObjectStoreOptions,
} from "./local-object-store.js";
export { assertValidKey, compareKeys, keyProblem } from "./object-key.js";
export {
  OPEN_OBJECT_STORE_DEFAULTS,
  type OpenObjectStoreOptions,
  openObjectStore,
} from "./open-object-store.js";
export type { S3Credentials, S3ObjectStoreOptions } from "./s3/s3-options.js";
export type { KmsKeyRoute, ListOptions, ObjectInfo, ObjectStore, PutOptions } from "./types.js";
