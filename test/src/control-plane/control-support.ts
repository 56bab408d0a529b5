// Where the control-plane tests run: the embedded default (local bus, local lake, the directory's file log) or
// the real services (Kafka with the directory on a compacted topic of its own, MinIO under a prefix of its own),
// each on regions of its own so runs never share topics.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLocalTransport, type Transport } from "@facsimile/bus";
import {
  createDirectoryView,
  createFileDirectoryLog,
  createTransportDirectoryLog,
  type DirectoryLog,
  type DirectoryView,
} from "@facsimile/control-plane";
import { LocalObjectStore, type ObjectStore } from "@facsimile/object-store";
import { services, uniqueName } from "../helpers.js";
import { kafkaTransport, s3Store, uniqueRegion } from "../ingest/ingest-support.js";

export interface ControlSetup {
  readonly transport: Transport;
  readonly store: ObjectStore;
  /** Two regions of this run: the first is where workspaces start. */
  readonly regions: readonly [string, string];
  readonly view: DirectoryView;
  /** What a `facsimile control` process needs to reach the same directory and lake: its flags and env. */
  readonly cli: { readonly args: readonly string[]; readonly env: Readonly<Record<string, string>> };
  close(): Promise<void>;
}

export type Backend = "embedded" | "kafka+minio";

export async function controlSetup(backend: Backend): Promise<ControlSetup> {
  const dir = await mkdtemp(join(tmpdir(), "facsimile-control-"));
  let transport: Transport;
  let store: ObjectStore;
  let log: DirectoryLog;
  let regions: [string, string];
  let cli: ControlSetup["cli"];
  if (backend === "embedded") {
    transport = createLocalTransport({ directory: join(dir, "bus"), fsync: false });
    store = new LocalObjectStore(join(dir, "lake"), { durable: false });
    log = createFileDirectoryLog(join(dir, "directory.log"));
    regions = ["eu", "us"];
    cli = { args: ["--data", dir], env: {} };
  } else {
    const s = services();
    const s3 = s3Store();
    const topic = uniqueName("facsimile.directory");
    transport = kafkaTransport();
    store = s3;
    log = createTransportDirectoryLog(transport, { topic });
    regions = [uniqueRegion(), uniqueRegion()];
    cli = {
      args: [
        "--kafka",
        s.kafkaBrokers.join(","),
        "--directory-topic",
        topic,
        "--lake",
        `s3://${s.s3.bucket}/${s3.prefix}`,
      ],
      env: {
        TMPDIR: dir,
        S3_ENDPOINT: s.s3.endpoint,
        S3_REGION: s.s3.region,
        S3_ACCESS_KEY_ID: s.s3.accessKeyId,
        S3_SECRET_ACCESS_KEY: s.s3.secretAccessKey,
      },
    };
  }
  const view = createDirectoryView(log, { refreshIntervalMs: 100 });
  return {
    transport,
    store,
    regions,
    view,
    cli,
    async close() {
      view.stop();
      await log.close().catch(() => undefined);
      await transport.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
