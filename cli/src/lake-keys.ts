// BYOK for the commands that write the lake (ingest, control erase/migrate/rotate-key/shred-key): the lake store
// opened with the directory's key routing (a workspace's objects under its key id, the rest under the platform
// key from $FACSIMILE_PLATFORM_KEY_ID), and the key service that holds the keys: the local store's keystore in
// embedded mode, AWS KMS (or $KMS_ENDPOINT, e.g. the test harness's moto) for an s3:// lake.
import { type KeyDirectory, workspaceKeyRoute } from "@facsimile/control-plane";
import {
  type KeyService,
  LocalObjectStore,
  type ObjectStore,
  openObjectStore,
} from "@facsimile/object-store";
import type { CliIo } from "./command.js";

export const PLATFORM_KEY_ENV = "FACSIMILE_PLATFORM_KEY_ID";

export const LAKE_KEYS_USAGE = `environment: ${PLATFORM_KEY_ENV} (the platform key id of objects that mix workspaces), KMS_ENDPOINT
(the KMS of an s3:// lake when not AWS's), S3_* (endpoint, region, credentials, also used for the KMS)`;

/**
 * Opens the lake with BYOK routing. `directory` is read at each put, so it may be filled in after the store
 * is opened (ingest opens the store before its directory).
 */
export function openRoutedLake(
  url: string,
  directory: () => KeyDirectory | undefined,
  io: CliIo,
): Promise<ObjectStore> {
  const platformKeyId = nonEmpty(io.env[PLATFORM_KEY_ENV]);
  const route = workspaceKeyRoute(
    { kmsKeyIdOf: (w) => directory()?.kmsKeyIdOf?.(w) },
    platformKeyId === undefined ? {} : { platformKeyId },
  );
  return openObjectStore(url, { env: io.env, kmsKeyRoute: route });
}

/** The key service of the lake's keys: its keystore for a local lake, else the KMS. */
export async function openKeyService(store: ObjectStore, io: CliIo): Promise<KeyService> {
  if (store instanceof LocalObjectStore) return store.keystore;
  const { AwsKmsKeyService } = await import("@facsimile/object-store/kms");
  const accessKeyId = nonEmpty(io.env.S3_ACCESS_KEY_ID);
  const secretAccessKey = nonEmpty(io.env.S3_SECRET_ACCESS_KEY);
  const endpoint = nonEmpty(io.env.KMS_ENDPOINT);
  return new AwsKmsKeyService({
    region: nonEmpty(io.env.S3_REGION) ?? nonEmpty(io.env.AWS_REGION) ?? "us-east-1",
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(accessKeyId === undefined || secretAccessKey === undefined
      ? {}
      : { credentials: { accessKeyId, secretAccessKey } }),
  });
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === "" ? undefined : v;
}
