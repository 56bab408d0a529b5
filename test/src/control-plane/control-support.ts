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
import { uniqueName } from "../helpers.js";
import { kafkaTransport, s3Store, uniqueRegion } from "../ingest/ingest-support.js";

export interface ControlSetup {
  readonly transport: Transport;
  readonly store: ObjectStore;
  /** Two regions of this run: the first is where workspaces start. */
  readonly regions: readonly [string, string];
  readonly view: DirectoryView;
  close(): Promise<void>;
}

export type Backend = "embedded" | "kafka+minio";

export async function controlSetup(backend: Backend): Promise<ControlSetup> {
  const dir = await mkdtemp(join(tmpdir(), "facsimile-control-"));
  let transport: Transport;
  let store: ObjectStore;
  let log: DirectoryLog;
  let regions: [string, string];
  if (backend === "embedded") {
    transport = createLocalTransport({ directory: join(dir, "bus"), fsync: false });
    store = new LocalObjectStore(join(dir, "lake"), { durable: false });
    log = createFileDirectoryLog(join(dir, "directory.log"));
    regions = ["eu", "us"];
  } else {
    transport = kafkaTransport();
    store = s3Store();
    log = createTransportDirectoryLog(transport, { topic: uniqueName("facsimile.directory") });
    regions = [uniqueRegion(), uniqueRegion()];
  }
  const view = createDirectoryView(log, { refreshIntervalMs: 100 });
  return {
    transport,
    store,
    regions,
    view,
    async close() {
      view.stop();
      await log.close().catch(() => undefined);
      await transport.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
