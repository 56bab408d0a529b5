// Opens an object store from a URL: "file:///path" or a plain path (local), "s3://bucket/prefix" (S3). S3
// settings come from the options, else from the environment (S3_ENDPOINT, S3_REGION, S3_ACCESS_KEY_ID,
// S3_SECRET_ACCESS_KEY). Must never print or log credentials. The S3 implementation (and the AWS SDK under it)
// is loaded only when an s3:// URL is opened: a producer that offloads to a local store never needs the SDK.
import { fileURLToPath } from "node:url";
import { ObjectStoreError } from "./errors.js";
import { LocalObjectStore, type LocalObjectStoreOptions } from "./local-object-store.js";
import { loadS3 } from "./s3/load-s3.js";
import type { S3ObjectStoreOptions } from "./s3/s3-options.js";
import type { KmsKeyRoute, ObjectStore } from "./types.js";

export interface OpenObjectStoreOptions {
  readonly local: Partial<LocalObjectStoreOptions>;
  /** Overrides for S3 stores; bucket and prefix always come from the URL. */
  readonly s3: Partial<Omit<S3ObjectStoreOptions, "bucket" | "prefix">>;
  /** Chooses each object's KMS key id (BYOK routing) for either kind of store; overrides local/s3's. */
  readonly kmsKeyRoute: KmsKeyRoute | undefined;
  /** Where S3_* settings are read from when the s3 options leave them out. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

export const OPEN_OBJECT_STORE_DEFAULTS: Readonly<OpenObjectStoreOptions> = Object.freeze({
  local: Object.freeze({}),
  s3: Object.freeze({}),
  kmsKeyRoute: undefined,
  env: process.env,
});

export async function openObjectStore(
  url: string,
  options: Partial<OpenObjectStoreOptions> = {},
): Promise<ObjectStore> {
  const o = { ...OPEN_OBJECT_STORE_DEFAULTS, ...options };
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  const route = o.kmsKeyRoute === undefined ? {} : { kmsKeyRoute: o.kmsKeyRoute };
  if (scheme === undefined || /^[a-z]$/i.test(scheme))
    return new LocalObjectStore(url, { ...o.local, ...route });
  if (scheme === "file") return new LocalObjectStore(fileURLToPath(url), { ...o.local, ...route });
  if (scheme === "s3") {
    const s3 = { ...s3Options(url, o), ...route };
    const { S3ObjectStore } = await loadS3();
    return new S3ObjectStore(s3);
  }
  throw new ObjectStoreError(
    `unsupported object store URL ${JSON.stringify(url)}: use file:///path, a local path, or s3://bucket/prefix`,
    { context: { url } },
  );
}

function s3Options(
  url: string,
  o: OpenObjectStoreOptions,
): Partial<S3ObjectStoreOptions> & { readonly bucket: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/i.exec(url);
  const bucket = match?.[1];
  if (bucket === undefined)
    throw new ObjectStoreError(`S3 URL ${JSON.stringify(url)} has no bucket: use s3://bucket/prefix`, {
      context: { url },
    });
  const env = o.env;
  const endpoint = o.s3.endpoint ?? nonEmpty(env.S3_ENDPOINT);
  const accessKeyId = nonEmpty(env.S3_ACCESS_KEY_ID);
  const secretAccessKey = nonEmpty(env.S3_SECRET_ACCESS_KEY);
  const envCredentials =
    accessKeyId !== undefined && secretAccessKey !== undefined ? { accessKeyId, secretAccessKey } : undefined;
  const credentials = o.s3.credentials ?? envCredentials;
  const region = o.s3.region ?? nonEmpty(env.S3_REGION) ?? nonEmpty(env.AWS_REGION);
  const forcePathStyle = o.s3.forcePathStyle ?? endpoint !== undefined;
  return {
    ...o.s3,
    bucket,
    prefix: (match?.[2] ?? "").replace(/\/+$/, ""),
    forcePathStyle,
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(credentials === undefined ? {} : { credentials }),
    ...(region === undefined ? {} : { region }),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}
