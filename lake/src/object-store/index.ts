// Public surface of @facsimile/lake/object-store: importable without the table format.
export {
  InvalidObjectKeyError,
  isLakeError,
  KmsKeyError,
  LakeError,
  ObjectExistsError,
  ObjectNotFoundError,
  ObjectStoreError,
} from "../errors.js";
export {
  type ConformanceRunner,
  describeObjectStoreConformance,
  type MakeObjectStore,
  OBJECT_STORE_CONFORMANCE_DEFAULTS,
  type ObjectStoreConformanceOptions,
} from "./conformance.js";
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
export { S3ObjectStore } from "./s3-object-store.js";
export {
  buildS3Client,
  normalizeKmsKeyId,
  S3_OBJECT_STORE_DEFAULTS,
  type S3Credentials,
  type S3ObjectStoreOptions,
} from "./s3-options.js";
export type { ListOptions, ObjectInfo, ObjectStore, PutOptions } from "./types.js";
