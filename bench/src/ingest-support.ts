// Shared parts of the ingest benchmarks (programs, not tests): the services they run against, a topic filled
// with a generated workload, raw kafkajs consumption of that topic (the baseline every figure is a ratio of),
// and a worker on a throwaway lake. Nothing here asserts; it measures and cleans up.

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
