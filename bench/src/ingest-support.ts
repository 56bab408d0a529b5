// Shared parts of the ingest benchmarks (programs, not tests): the services they run against, a topic filled
// with a generated workload, raw kafkajs consumption of that topic (the baseline every figure is a ratio of),
// and a worker on a throwaway lake. Nothing here asserts; it measures and cleans up.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  consoleLogger,
  createKafkaTransport,
  type OutgoingMessage,
  recordsTopic,
  type Transport,
} from "@facsimile/bus";
import { createIngestWorker, type IngestWorker, type IngestWorkerOptions } from "@facsimile/ingest";
import { untilCaughtUp as waitUntilCaughtUp } from "@facsimile/ingest/testing";
import { loadSnapshot, openDuckDb, openTable, regionLayout, tableExists } from "@facsimile/lake";
import { LocalObjectStore, type ObjectStore, openObjectStore } from "@facsimile/object-store";
import { loadDefaultRegistry } from "@facsimile/schemas";
import { compileModels } from "@facsimile/transforms";
import { Kafka, logLevel } from "kafkajs";

export const registry = loadDefaultRegistry();

export interface BenchEnv {
  readonly brokers: readonly string[];
  readonly region: string;
  readonly transport: Transport;
  readonly store: ObjectStore;
  readonly dir: string;
  close(): Promise<void>;
}

/** Kafka from $KAFKA_BROKERS (default the harness's 127.0.0.1:19092); the lake on local disk, or $BENCH_LAKE. */
export async function benchEnv(name: string, partitions: number): Promise<BenchEnv> {
  const brokers = (process.env.KAFKA_BROKERS ?? "127.0.0.1:19092").split(",");
  const region = `bench-${name}-${Date.now().toString(36)}`;
  const dir = await mkdtemp(join(tmpdir(), `facsimile-bench-${name}-`));
  const transport = createKafkaTransport({ brokers, clientId: `bench-${name}` });
  await transport.createTopics([
    { topic: recordsTopic(region), partitions },
    { topic: `facsimile.${region}.dlq`, partitions: 1 },
  ]);
  const lake = process.env.BENCH_LAKE;
  const store =
    lake === undefined
      ? new LocalObjectStore(join(dir, "lake"), { durable: false })
      : await openObjectStore(`${lake}/${region}`);
  return {
    brokers,
    region,
    transport,
    store,
    dir,
    async close() {
      await transport.deleteTopics([recordsTopic(region), `facsimile.${region}.dlq`]).catch(() => undefined);
      await transport.close();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Produces messages in chunks as fast as the broker takes them. */
export async function produceAll(
  env: BenchEnv,
  messages: readonly OutgoingMessage[],
  chunk = 5_000,
): Promise<void> {
  for (let i = 0; i < messages.length; i += chunk)
    await env.transport.produce(recordsTopic(env.region), messages.slice(i, i + chunk));
}

/** Seconds raw kafkajs takes to consume `count` messages of the topic from the start (a fresh group). */
export async function rawKafkajsSeconds(env: BenchEnv, count: number): Promise<number> {
  const kafka = new Kafka({ clientId: "bench-raw", brokers: [...env.brokers], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `bench-raw-${Date.now()}`, maxBytesPerPartition: 1 << 20 });
  await consumer.connect();
  await consumer.subscribe({ topics: [recordsTopic(env.region)], fromBeginning: true });
  let seen = 0;
  let started = 0;
  const done = new Promise<number>((resolve) => {
    void consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: 32,
      eachBatch: async ({ batch }) => {
        if (started === 0) started = performance.now();
        seen += batch.messages.length;
        if (seen >= count) resolve(performance.now());
      },
    });
  });
  const t0 = performance.now();
  const end = await done;
  await consumer.disconnect();
  // From the subscription (group join included, as for the worker) to the last message.
  return (end - t0) / 1000;
}

/** A worker on the bench lake with every compiled model. */
export async function benchWorker(
  env: BenchEnv,
  options: Partial<IngestWorkerOptions> = {},
  debug = false,
): Promise<IngestWorker> {
  const { models } = await compileModels(registry);
  return createIngestWorker({
    ...(debug ? { logger: consoleLogger("debug") } : {}),
    region: env.region,
    transport: env.transport,
    store: env.store,
    registry,
    models,
    options: {
      groupId: `bench-ingest-${Date.now()}`,
      table: { scratchDir: join(env.dir, "scratch"), cacheDir: join(env.dir, "cache") },
      ...options,
    },
  });
}

/** Waits without a deadline: a large bench may take minutes to merge. */
export function untilCaughtUp(worker: IngestWorker): Promise<void> {
  return waitUntilCaughtUp(worker, { timeoutMs: Number.POSITIVE_INFINITY });
}

export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

/**
 * "With one core busy elsewhere": a child process spinning on one core for as long as `fn` runs (the `--busy`
 * flag of the ingest benchmarks), so the figures show how the worker does when it does not have the machine.
 */
export async function withBusyCore<T>(busy: boolean, fn: () => Promise<T>): Promise<T> {
  if (!busy) return fn();
  const child = spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" });
  try {
    return await fn();
  } finally {
    child.kill("SIGKILL");
  }
}

/** Live data files of the region's target tables: the most any one partition holds, and the total. */
export async function targetFileCounts(env: BenchEnv): Promise<{ maxPerPartition: number; files: number }> {
  const { models } = await compileModels(registry);
  const db = await openDuckDb();
  let maxPerPartition = 0;
  let files = 0;
  try {
    for (const m of models) {
      const table = openTable(env.store, regionLayout.table(env.region, m.table), db.connection, {
        scratchDir: join(env.dir, "scratch"),
        cacheDir: join(env.dir, "cache"),
      });
      if (!(await tableExists(table))) continue;
      const snapshot = await loadSnapshot(table);
      const perPartition = new Map<string, number>();
      for (const add of snapshot.files.values()) {
        const key = JSON.stringify(snapshot.partitionColumns.map((c) => add.partitionValues[c] ?? null));
        perPartition.set(key, (perPartition.get(key) ?? 0) + 1);
      }
      files += snapshot.files.size;
      for (const n of perPartition.values()) maxPerPartition = Math.max(maxPerPartition, n);
    }
  } finally {
    db.close();
  }
  return { maxPerPartition, files };
}
