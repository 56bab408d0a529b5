// Poison records in the middle of good ones, through the worker on the embedded transport and a local lake with
// no workspace directory: each poison kind lands in the DLQ with its reason, the worker keeps going, and every
// good record of the same batches reaches the tables (checked against the LWW oracle).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type ConsumedMessage,
  createLocalTransport,
  createRegionTopics,
  dlqTopic,
  recordsTopic,
  type Transport,
} from "@facsimile/bus";
import { waitFor } from "@facsimile/core/testing";
import { openDuckDb } from "@facsimile/lake";
import { LocalObjectStore } from "@facsimile/object-store";
import { offloadUri } from "@facsimile/protocol";
import { loadDefaultRegistry } from "@facsimile/schemas";
import { compileModels } from "@facsimile/transforms";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { poisonRecords } from "../testing/poison-records.js";
import { untilCaughtUp } from "../testing/until-caught-up.js";
import { verifyTables } from "../testing/verify-tables.js";
import { deliveryMessage, generateWorkload, lwwOracle, publishWorkload } from "../testing/workload.js";
import { createIngestWorker } from "../worker/create-ingest-worker.js";
import { DLQ_HEADERS } from "./dead-letter-message.js";

const registry = loadDefaultRegistry();

async function readAll(transport: Transport, topic: string, count: number): Promise<ConsumedMessage[]> {
  const seen: ConsumedMessage[] = [];
  const consumer = await transport.consume({
    groupId: `reader-${Math.random().toString(36).slice(2)}`,
    topics: [topic],
    maxWaitMs: 20,
    onBatch: async (b) => {
      seen.push(...b.messages);
    },
  });
  try {
    await waitFor(`${count} messages on ${topic}`, () => seen.length >= count, {
      describe: () => `${seen.length} seen`,
    });
  } finally {
    await consumer.stop();
  }
  return seen;
}

describe("poison records on the local transport and a local lake", () => {
  let dir: string;
  let transport: Transport;
  let store: LocalObjectStore;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "facsimile-poison-"));
    transport = createLocalTransport({ directory: join(dir, "bus"), fsync: false });
    store = new LocalObjectStore(join(dir, "lake"), { durable: false });
    await createRegionTopics(transport, "eu", { partitions: 1 });
  });
  afterAll(async () => {
    await transport.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("dead-letters every poison kind with its reason while the good records of the same batch land", async () => {
    const workload = generateWorkload(registry, store, {
      seed: 11,
      workspaces: 2,
      issuesPerWorkspace: 4,
      projectsPerWorkspace: 1,
      pagesPerWorkspace: 1,
      largeShare: 0.5,
    });
    const poison = poisonRecords(registry, store, "ws-0");
    const half = Math.floor(workload.deliveries.length / 2);
    // One partition, one batch: good records before and after the poison ones.
    await publishWorkload(transport, store, "eu", { deliveries: [], offloads: workload.offloads });
    await transport.produce(recordsTopic("eu"), [
      ...workload.deliveries.slice(0, half).map(deliveryMessage),
      ...poison.map((p) => p.message),
      ...workload.deliveries.slice(half).map(deliveryMessage),
    ]);
    const { models } = await compileModels(registry);
    const worker = createIngestWorker({
      region: "eu",
      transport,
      store,
      registry,
      models,
      options: {
        groupId: "ingest-poison",
        maxBatchSize: 1_000,
        maxWaitMs: 20,
        mergePollMs: 100,
        table: { scratchDir: join(dir, "scratch"), cacheDir: join(dir, "cache") },
        duckdb: { config: { threads: "1" } },
      },
    });
    await worker.start();
    try {
      await untilCaughtUp(worker);
    } finally {
      await worker.stop();
    }

    const letters = await readAll(transport, dlqTopic("eu"), poison.length);
    expect(letters.map((l) => l.headers[DLQ_HEADERS.reason]).sort()).toEqual(
      poison.map((p) => p.reason).sort(),
    );
    for (const p of poison) {
      const letter = letters.find((l) => Buffer.from(l.value).equals(Buffer.from(p.message.value)));
      expect(letter, p.kind).toBeDefined();
      expect(letter?.headers[DLQ_HEADERS.reason], p.kind).toBe(p.reason);
      expect(letter?.headers[DLQ_HEADERS.detail]?.length ?? 0, p.kind).toBeGreaterThan(10);
    }
    const duck = await openDuckDb();
    try {
      const verified = await verifyTables({
        store,
        region: "eu",
        connection: duck.connection,
        registry,
        winners: lwwOracle(workload.records),
        delivered: workload.deliveries,
        offloadedBytes: new Map(workload.offloads.map((o) => [offloadUri(store, o.key), o.bytes])),
      });
      expect(verified.differences).toEqual([]);
      expect(verified.rows.jira_issue).toBeGreaterThan(0);
    } finally {
      duck.close();
    }
  });
});
