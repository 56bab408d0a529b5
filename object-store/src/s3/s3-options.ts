// Settings of the S3 object store and the SDK client built from them: bounded retries (the SDK's standard mode),
// connection and idle timeouts. Must never read credentials from anywhere but the options (or the SDK's chain).
import { S3Client } from "@aws-sdk/client-s3";
import type { KmsKeyRoute } from "../types.js";

export interface S3Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface S3ObjectStoreOptions {
  readonly bucket: string;
  /** Key prefix inside the bucket ("" for the bucket root); no leading or trailing "/". */
  readonly prefix: string;
  /** Custom endpoint (MinIO, localstack); undefined for AWS. */
  readonly endpoint: string | undefined;
  readonly region: string;
  /** Undefined: the SDK's default provider chain (env, profile, instance role). */
  readonly credentials: S3Credentials | undefined;
  /** Path-style addressing (http://host/bucket/key): needed by MinIO and most compatible servers. */
  readonly forcePathStyle: boolean;
  /** Attempts per request, first included (the SDK's standard retry mode with backoff). */
  readonly maxAttempts: number;
  /** Bodies above this many bytes go through multipart upload. */
  readonly multipartThreshold: number;
  /** Part size of multipart uploads (S3 minimum 5 MiB); grown when a file would need over 10,000 parts. */
  readonly partSize: number;
  /** Parts uploaded concurrently. */
  readonly queueSize: number;
  readonly connectionTimeoutMs: number;
  /** Idle socket timeout. */
  readonly socketTimeoutMs: number;
  /** Use this client instead of building one; it is not destroyed by close(). */
  readonly client: S3Client | undefined;
  /** Chooses each object's SSE-KMS key id (BYOK routing); undefined: the key id the caller passes. */
  readonly kmsKeyRoute: KmsKeyRoute | undefined;
}

export const S3_OBJECT_STORE_DEFAULTS: Readonly<Omit<S3ObjectStoreOptions, "bucket">> = Object.freeze({
  prefix: "",
  endpoint: undefined,
  region: "us-east-1",
  credentials: undefined,
  forcePathStyle: false,
  maxAttempts: 4,
  multipartThreshold: 16 * 1024 * 1024,
  partSize: 8 * 1024 * 1024,
  queueSize: 4,
  connectionTimeoutMs: 5_000,
  socketTimeoutMs: 120_000,
  client: undefined,
  kmsKeyRoute: undefined,
});

export function buildS3Client(options: S3ObjectStoreOptions): S3Client {
  return new S3Client({
    region: options.region,
    forcePathStyle: options.forcePathStyle,
    maxAttempts: options.maxAttempts,
    retryMode: "standard",
    requestHandler: {
      connectionTimeout: options.connectionTimeoutMs,
      socketTimeout: options.socketTimeoutMs,
    },
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
  });
}

/** MinIO answers "arn:aws:kms:<name>" for a static key; report the name. AWS key ARNs are kept whole. */
export function normalizeKmsKeyId(reported: string | undefined): string | undefined {
  if (reported === undefined || reported === "") return undefined;
  const minio = /^arn:aws:kms:([^:]+)$/.exec(reported);
  return minio?.[1] ?? reported;
}
