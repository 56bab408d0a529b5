// End-to-end throughput of one ingest worker: a topic is filled with a generated workload (Jira issues with custom
// fields, projects, pages; several versions per resource, duplicates, shuffled), then in the same run
//   - raw kafkajs consumes the whole topic (the baseline: what reading the bytes costs), and
//   - the worker takes it from Kafka to merged target tables (sink append + every model's writer),
// and the worker's records/s is printed as a fraction of the raw rate, with the time to the sink alone.
// Sizes: --workspaces, --issues (per workspace), --versions, --partitions, --batch; or BENCH_INGEST_* env.
// Run: `npx tsc -b bench && node bench/dist/ingest-throughput.js` (Kafka at $KAFKA_BROKERS, lake on local disk
// or $BENCH_LAKE=s3://bucket/prefix with the S3_* settings).
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { deliveryMessage, generateWorkload } from "@facsimile/ingest/testing";
import {
  benchEnv,
  benchWorker,
  produceAll,
  rawKafkajsSeconds,
  registry,
  untilCaughtUp,
} from "./ingest-support.js";

export interface IngestThroughputOptions {
  readonly workspaces: number;
  readonly issues: number;
  readonly versions: number;
  readonly partitions: number;
  readonly batch: number;
}

export const INGEST_THROUGHPUT_DEFAULTS: Readonly<IngestThroughputOptions> = Object.freeze({
  workspaces: 100,
  issues: 400,
  versions: 3,
  partitions: 12,
  batch: 50_000,
});

export interface IngestThroughputResult {
  readonly records: number;
  readonly rawPerSecond: number;
  readonly sinkPerSecond: number;
  readonly endToEndPerSecond: number;
  readonly ratio: number;
}

export async function runIngestThroughput(o: IngestThroughputOptions): Promise<IngestThroughputResult> {
  const env = await benchEnv("tp", o.partitions);
  try {
    const workload = generateWorkload(registry, env.store, {
      seed: 11,
      workspaces: o.workspaces,
      issuesPerWorkspace: o.issues,
      projectsPerWorkspace: 2,
      pagesPerWorkspace: 4,
      versionsPerResource: o.versions,
      largeShare: 0.02,
      duplicateShare: 0.05,
    });
    for (const off of workload.offloads) await env.store.put(off.key, off.bytes);
    const messages = workload.deliveries.map(deliveryMessage);
    await produceAll(env, messages);
    const records = messages.length;

    const rawSeconds = await rawKafkajsSeconds(env, records);

    const worker = await benchWorker(
      env,
      { maxBatchSize: o.batch, maxWaitMs: 200 },
      process.env.BENCH_DEBUG !== undefined,
    );
    const t0 = performance.now();
    await worker.start();
    let sinkAt = 0;
    const sinkWatch = setInterval(() => {
      if (sinkAt === 0 && worker.metrics.recordsOut.get({ region: env.region, stage: "sink" }) >= records)
        sinkAt = performance.now();
    }, 20);
    await untilCaughtUp(worker);
    const e2eSeconds = (performance.now() - t0) / 1000;
    clearInterval(sinkWatch);
    await worker.stop();
    const sinkSeconds = sinkAt === 0 ? e2eSeconds : (sinkAt - t0) / 1000;
    return {
      records,
      rawPerSecond: records / rawSeconds,
      sinkPerSecond: records / sinkSeconds,
      endToEndPerSecond: records / e2eSeconds,
      ratio: rawSeconds / e2eSeconds,
    };
  } finally {
    await env.close();
  }
}

function options(argv: readonly string[]): IngestThroughputOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      workspaces: { type: "string" },
      issues: { type: "string" },
      versions: { type: "string" },
      partitions: { type: "string" },
      batch: { type: "string" },
    },
  });
  const pick = (key: keyof IngestThroughputOptions): number =>
    Number(
      values[key] ?? process.env[`BENCH_INGEST_${key.toUpperCase()}`] ?? INGEST_THROUGHPUT_DEFAULTS[key],
    );
  return {
    workspaces: pick("workspaces"),
    issues: pick("issues"),
    versions: pick("versions"),
    partitions: pick("partitions"),
    batch: pick("batch"),
  };
}

export default async function main(argv: readonly string[] = []): Promise<void> {
  const o = options(argv);
  const r = await runIngestThroughput(o);
  const f = (n: number): string => Math.round(n).toLocaleString("en-US");
  console.log(
    `ingest-throughput: ${f(r.records)} records, ${o.partitions} partitions, one worker, batches of ${o.batch}\n` +
      `  raw kafkajs consumption  ${f(r.rawPerSecond)} records/s (baseline)\n` +
      `  Kafka -> raw sink        ${f(r.sinkPerSecond)} records/s = ${(r.sinkPerSecond / r.rawPerSecond).toFixed(3)} x raw\n` +
      `  Kafka -> merged tables   ${f(r.endToEndPerSecond)} records/s = ${r.ratio.toFixed(3)} x raw`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main(process.argv.slice(2));
