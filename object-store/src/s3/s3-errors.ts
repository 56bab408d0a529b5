// Maps AWS SDK / S3 errors to the lake's typed errors. Retry logic upstream reads only `retriable`: throttling,
// 5xx and network failures are retriable, other 4xx are not. Must never turn an unknown error into success.
import { S3ServiceException } from "@aws-sdk/client-s3";
import {
  isStoreError,
  KmsKeyError,
  KmsKeyUnavailableError,
  ObjectStoreError,
  type StoreError,
} from "../errors.js";

export interface S3ErrorContext {
  readonly url: string;
  readonly key: string;
  readonly operation: string;
  readonly kmsKeyId?: string | undefined;
  /** A read (get, getFile): a KMS refusal means the object's key is unusable. */
  readonly reading?: boolean;
}

const THROTTLING_NAMES: ReadonlySet<string> = new Set([
  "SlowDown",
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "RequestThrottled",
  "RequestThrottledException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "ProvisionedThroughputExceededException",
  "RequestTimeout",
  "RequestTimeoutException",
  "InternalError",
  "ServiceUnavailable",
  "KMS.ThrottlingException",
  "kms:Throttled",
]);

const NETWORK_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_SOCKET",
]);

const NETWORK_NAMES: ReadonlySet<string> = new Set(["TimeoutError", "RequestTimeout"]);

/** HTTP status of an S3 error response, when there was a response. */
export function s3Status(err: unknown): number | undefined {
  const meta = (err as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata;
  return typeof meta?.httpStatusCode === "number" ? meta.httpStatusCode : undefined;
}

export function s3ErrorName(err: unknown): string | undefined {
  const name = (err as { name?: unknown } | null)?.name;
  return typeof name === "string" ? name : undefined;
}

/** True when the server said the object is not there (GetObject's NoSuchKey, HeadObject's bare 404). */
export function isS3NotFound(err: unknown): boolean {
  const name = s3ErrorName(err);
  return (
    name === "NoSuchKey" ||
    name === "NotFound" ||
    (err instanceof S3ServiceException &&
      s3Status(err) === 404 &&
      name !== "NoSuchBucket" &&
      !isKmsError(err))
  );
}

/** True when a conditional create lost: 412 PreconditionFailed, or 409 ConditionalRequestConflict. */
export function isConditionalCreateConflict(err: unknown): boolean {
  const status = s3Status(err);
  const name = s3ErrorName(err);
  return status === 412 || name === "PreconditionFailed" || name === "ConditionalRequestConflict";
}

function isKmsError(err: unknown): boolean {
  const name = s3ErrorName(err) ?? "";
  const code = (err as { Code?: unknown } | null)?.Code;
  return /kms/i.test(name) || (typeof code === "string" && /kms/i.test(code));
}

export function toS3StoreError(err: unknown, ctx: S3ErrorContext): StoreError {
  if (isStoreError(err)) return err;
  const status = s3Status(err);
  const name = s3ErrorName(err) ?? "Error";
  const errno = (err as { code?: unknown } | null)?.code;
  const detail = err instanceof Error ? err.message : String(err);
  const throttled = THROTTLING_NAMES.has(name) || status === 429 || status === 503;
  const context = {
    url: ctx.url,
    key: ctx.key,
    operation: ctx.operation,
    ...(status === undefined ? {} : { status }),
    s3Code: name,
    ...(typeof errno === "string" ? { errno } : {}),
    requestId: (err as { $metadata?: { requestId?: string } } | null)?.$metadata?.requestId,
  };
  if (isKmsError(err) && !throttled && ctx.kmsKeyId !== undefined) {
    return new KmsKeyError(ctx.url, ctx.key, ctx.kmsKeyId, { cause: err, context: { s3Code: name, status } });
  }
  if (isKmsError(err) && !throttled && ctx.reading === true) {
    // AWS refuses to read an object whose key is disabled, pending deletion or gone: crypto-shredded data.
    return new KmsKeyUnavailableError(ctx.url, ctx.key, "(the object's key)", name, {
      cause: err,
      context: { s3Code: name, status },
    });
  }
  const retriable =
    throttled ||
    (status !== undefined && status >= 500) ||
    (status === undefined &&
      ((typeof errno === "string" && NETWORK_CODES.has(errno)) || NETWORK_NAMES.has(name))) ||
    (err as { $retryable?: unknown } | null)?.$retryable !== undefined;
  const what = status === undefined ? name : `${name} (HTTP ${status})`;
  return new ObjectStoreError(
    `${ctx.operation} ${JSON.stringify(ctx.key)} in ${ctx.url} failed: ${what}: ${detail}`,
    {
      retriable,
      context,
      cause: err,
    },
  );
}
