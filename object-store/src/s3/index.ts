// Public surface of @facsimile/object-store/s3: the S3 object store. Importing it needs @aws-sdk/client-s3 and
// @aws-sdk/lib-storage (optional peer dependencies of the package); openObjectStore("s3://...") loads it lazily.
export { S3ObjectStore } from "./s3-object-store.js";
export {
  buildS3Client,
  normalizeKmsKeyId,
  S3_OBJECT_STORE_DEFAULTS,
  type S3Credentials,
  type S3ObjectStoreOptions,
} from "./s3-options.js";
