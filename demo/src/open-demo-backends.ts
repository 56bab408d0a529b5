// Where the demo runs: the embedded bus and a local lake under the data folder (no servers), or Kafka and an S3
// bucket (MinIO, AWS) when --kafka / --s3 say so. Opens the transport and the lake's store, creates the demo's
// bucket when it is missing, and knows how to wipe what a demo run left (only the folders, topics and objects
// it owns: never the data folder itself, which may hold other things). Never prints credentials.
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { createKafkaTransport, createLocalTransport, regionTopics, type Transport } from "@facsimile/bus";
import { type ObjectStore, openObjectStore } from "@facsimile/object-store";
import { S3ObjectStore } from "@facsimile/object-store/s3";

export interface DemoBackendSettings {
  /** Absolute path of the data folder: the embedded bus, the local lake and the workers' scratch files. */
  readonly dataDir: string;
  /** Kafka brokers, comma-separated; undefined: the embedded bus under the data folder. */
  readonly kafka: string | undefined;
  /** S3 endpoint URL; undefined: the local lake under the data folder. */
  readonly s3: string | undefined;
  readonly bucket: string;
  /** Key prefix of the lake in the bucket ("" = the bucket's root). */
  readonly prefix: string;
}

export interface DemoBackends {
  readonly transport: Transport;
  readonly store: ObjectStore;
  /** What `facsimile query --lake` takes to read this lake. */
  readonly lake: string;
  /** The environment a `facsimile query` of an S3 lake needs besides the credentials (S3_ENDPOINT). */
  readonly queryEnv: Readonly<Record<string, string>>;
  readonly workDir: string;
  /** Deletes the demo's topics, lake objects and scratch files. */
  wipe(regions: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

export class DemoSetupError extends Error {
  override readonly name = "DemoSetupError";
}

export async function openDemoBackends(
  settings: DemoBackendSettings,
  env: Readonly<Record<string, string | undefined>>,
): Promise<DemoBackends> {
  const workDir = join(settings.dataDir, "work");
  const busDir = join(settings.dataDir, "bus");
  const lakeDir = join(settings.dataDir, "lake");
  let store: ObjectStore;
  let lake: string;
  let queryEnv: Record<string, string> = {};
  if (settings.s3 === undefined) {
    lake = lakeDir;
    store = await openObjectStore(lakeDir);
  } else {
    if (!env.S3_ACCESS_KEY_ID || !env.S3_SECRET_ACCESS_KEY)
      throw new DemoSetupError(
        "--s3 needs S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY in the environment " +
          "(docker compose and the test harness use facsimile / facsimile-secret)",
      );
    const prefix = settings.prefix.replace(/^\/+|\/+$/g, "");
    lake = `s3://${settings.bucket}${prefix === "" ? "" : `/${prefix}`}`;
    queryEnv = { S3_ENDPOINT: settings.s3 };
    store = await openObjectStore(lake, { env: { ...env, S3_ENDPOINT: settings.s3 } });
    await ensureBucket(store);
  }
  const transport =
    settings.kafka === undefined
      ? createLocalTransport({ directory: busDir })
      : createKafkaTransport({
          brokers: settings.kafka
            .split(",")
            .map((b) => b.trim())
            .filter((b) => b !== ""),
          clientId: "facsimile-demo",
        });
  await mkdir(workDir, { recursive: true });

  return {
    transport,
    store,
    lake,
    queryEnv,
    workDir,
    async wipe(regions) {
      await transport.deleteTopics(regions.flatMap((r) => Object.values(regionTopics(r))));
      if (settings.kafka !== undefined) await untilTopicsGone(transport, regions);
      if (settings.s3 === undefined) await rm(lakeDir, { recursive: true, force: true });
      else for await (const o of store.list("")) await store.delete(o.key);
      if (settings.kafka === undefined) await rm(busDir, { recursive: true, force: true });
      await rm(workDir, { recursive: true, force: true });
      await mkdir(workDir, { recursive: true });
    },
    async close() {
      await transport.close();
      await store.close();
    },
  };
}

/** Kafka deletes topics in the background: wait until they are gone, or re-creating them would be a no-op. */
async function untilTopicsGone(transport: Transport, regions: readonly string[], timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (const region of regions)
    for (const topic of Object.values(regionTopics(region)))
      while ((await transport.partitionCount(topic)) !== undefined) {
        if (Date.now() > deadline)
          throw new DemoSetupError(
            `Kafka did not delete ${topic} within ${timeoutMs} ms; try again in a minute`,
          );
        await new Promise((r) => setTimeout(r, 250));
      }
}

/** Creates the lake's bucket when it does not exist (a fresh MinIO has none). */
async function ensureBucket(store: ObjectStore): Promise<void> {
  if (!(store instanceof S3ObjectStore)) return;
  // @aws-sdk/client-s3 is this package's dependency (the S3 object store's optional peer); the object store
  // interface has no bucket operations.
  const { CreateBucketCommand, HeadBucketCommand } = await import("@aws-sdk/client-s3");
  try {
    await store.client.send(new HeadBucketCommand({ Bucket: store.bucket }));
    return;
  } catch (err) {
    const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 403)
      throw new DemoSetupError(
        `the S3 server denied access to the bucket ${store.bucket} (HTTP 403): check S3_ACCESS_KEY_ID and ` +
          "S3_SECRET_ACCESS_KEY (docker compose and the test harness use facsimile / facsimile-secret)",
      );
    if (status !== 404)
      throw new DemoSetupError(
        `cannot reach the bucket ${store.bucket}` +
          `${status === undefined ? "" : ` (HTTP ${status})`}: ${(err as Error).message || String(err)}`,
      );
  }
  try {
    await store.client.send(new CreateBucketCommand({ Bucket: store.bucket }));
  } catch (err) {
    const name = (err as { name?: string }).name;
    if (name !== "BucketAlreadyOwnedByYou" && name !== "BucketAlreadyExists") throw err;
  }
}
