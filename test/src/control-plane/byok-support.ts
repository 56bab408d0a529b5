// Where the BYOK tests run: the embedded store (envelope encryption under a local keystore) or moto's S3 + KMS
// (several real KMS keys with states; SSE-KMS key ids per object), started by the harness on demand
// (services.sh up moto) unless S3_KMS_ENDPOINT points at one. Each run on a store of its own.
import { spawnSync } from "node:child_process";
import { rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { CreateKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import type { DirectoryView } from "@facsimile/control-plane";
import { workspaceKeyRoute } from "@facsimile/control-plane";
import { type KeyService, LocalObjectStore, type ObjectStore } from "@facsimile/object-store";
import { AwsKmsKeyService } from "@facsimile/object-store/kms";
import { S3ObjectStore } from "@facsimile/object-store/s3";
import { uniqueName } from "../helpers.js";

export type KeyBackendKind = "embedded" | "moto";

export interface KeyBackend {
  readonly dir: string;
  /** The lake, with BYOK routing from the view (platform objects under `platformKeyId`). */
  readonly store: ObjectStore;
  /** What the CLI needs besides the lake's URL (store.url) to open the same store: S3_* settings. */
  readonly env: Readonly<Record<string, string>>;
  readonly keys: KeyService;
  createKey(name: string): Promise<string>;
  /** Objects that mix workspaces go under this key from now on. */
  setPlatformKey(keyId: string): void;
  close(): Promise<void>;
}

const SERVICES_SH = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "services", "services.sh");
const MOTO_DEFAULT = `http://127.0.0.1:${process.env.FACSIMILE_MOTO_PORT ?? "19400"}`;
// moto accepts any credentials; these are not secrets.
const MOTO_CREDENTIALS = { accessKeyId: "facsimile", secretAccessKey: "facsimile-moto" };

let motoStarted: boolean | undefined;

/** moto's endpoint: S3_KMS_ENDPOINT, else the harness's (started here once per run if it was not up). */
export function motoEndpoint(): string {
  const fromEnv = process.env.S3_KMS_ENDPOINT;
  if (fromEnv !== undefined && fromEnv !== "" && motoStarted === undefined) {
    const probe = spawnSync("curl", ["-fsS", "-m", "2", `${fromEnv}/moto-api/data.json`], {
      stdio: "ignore",
    });
    if (probe.status === 0) return fromEnv;
  }
  if (motoStarted === undefined) {
    const before = spawnSync("bash", [SERVICES_SH, "status"], { encoding: "utf8" }).stdout ?? "";
    const up = spawnSync("bash", [SERVICES_SH, "up", "moto"], { stdio: ["ignore", "ignore", "inherit"] });
    if (up.status !== 0)
      throw new Error(
        "moto could not be started by test/services/services.sh up moto (needs python3 and PyPI)",
      );
    motoStarted = !before.includes("moto: up");
  }
  return MOTO_DEFAULT;
}

/** Stops moto if this run started it (FACSIMILE_KEEP_SERVICES=1 keeps it). */
export function stopMotoIfStarted(): void {
  if (motoStarted === true && process.env.FACSIMILE_KEEP_SERVICES !== "1")
    spawnSync("bash", [SERVICES_SH, "down", "moto"], { stdio: "ignore" });
  motoStarted = undefined;
}

/** A backend in `dir` (removed by close). */
export async function keyBackend(
  kind: KeyBackendKind,
  view: DirectoryView,
  dir: string,
): Promise<KeyBackend> {
  let platformKeyId: string | undefined;
  const route = (key: string, requested: string | undefined) =>
    workspaceKeyRoute(view, platformKeyId === undefined ? {} : { platformKeyId })(key, requested);
  const setPlatformKey = (keyId: string) => {
    platformKeyId = keyId;
  };
  if (kind === "embedded") {
    const store = new LocalObjectStore(join(dir, "lake"), { durable: false, kmsKeyRoute: route });
    const createKey = async (name: string) => (await store.keystore.createKey(name)).keyId;
    return {
      dir,
      store,
      env: {},
      keys: store.keystore,
      createKey,
      setPlatformKey,
      async close() {
        await store.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  const endpoint = motoEndpoint();
  const kms = new KMSClient({ endpoint, region: "us-east-1", credentials: MOTO_CREDENTIALS });
  const s3 = new S3Client({
    endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: MOTO_CREDENTIALS,
  });
  const bucket = "facsimile-byok";
  await s3.send(new CreateBucketCommand({ Bucket: bucket })).catch((err: unknown) => {
    if ((err as { name?: string }).name !== "BucketAlreadyOwnedByYou") throw err;
  });
  s3.destroy();
  const store = new S3ObjectStore({
    bucket,
    prefix: uniqueName("lake"),
    endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: MOTO_CREDENTIALS,
    kmsKeyRoute: route,
  });
  const createKey = async (name: string) => {
    const out = await kms.send(new CreateKeyCommand({ Description: `facsimile test ${name}` }));
    const id = out.KeyMetadata?.KeyId;
    if (id === undefined) throw new Error("moto's CreateKey returned no key id");
    return id;
  };
  const keys = new AwsKmsKeyService({ endpoint, region: "us-east-1", credentials: MOTO_CREDENTIALS });
  return {
    dir,
    store,
    env: {
      S3_ENDPOINT: endpoint,
      S3_REGION: "us-east-1",
      S3_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
      S3_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
      KMS_ENDPOINT: endpoint,
    },
    keys,
    createKey,
    setPlatformKey,
    async close() {
      kms.destroy();
      await keys.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
