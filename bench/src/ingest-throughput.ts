// End-to-end throughput of one ingest worker: a topic is filled with a generated workload (Jira issues with custom
// fields, projects, pages; several versions per resource, duplicates, shuffled), then in the same run
//   - raw kafkajs consumes the whole topic (the baseline: what reading the bytes costs), and
//   - the worker takes it from Kafka to merged target tables (sink append + every model's writer),
// and the worker's records/s is printed as a fraction of the raw rate, with the time to the sink alone.
// Sizes: --workspaces, --issues (per workspace), --versions, --partitions, --batch; or BENCH_INGEST_* env.
// --busy: the same with one core kept busy by another process (the raw baseline runs under the same load).
// Run: `npx tsc -b bench && node bench/dist/ingest-throughput.js` (Kafka at $KAFKA_BROKERS, lake on local disk
// or $BENCH_LAKE=s3://bucket/prefix with the S3_* settings).
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { deliveryMessage, generateWorkload } from "@facsimile/ingest/testing";
import {
  type BenchEnv,
  benchEnv,
  benchWorker,
  produceAll,
  rawKafkajsSeconds,
  registry,
  untilCaughtUp,
  withBusyCore,
} from "./ingest-support.js";
import { type BenchReport, type Figure, figureLine, ratioFigure, rssSampler } from "./report.js";

export interface IngestThroughputOptions {
  readonly workspaces: number;
  readonly issues: number;
  readonly versions: number;
  readonly partitions: number;
  readonly batch: number;
  /** One core kept busy by another process while raw kafkajs and the worker run. */
  readonly busy: boolean;
}

export const INGEST_THROUGHPUT_DEFAULTS: Readonly<IngestThroughputOptions> = Object.freeze({
  workspaces: 100,
  issues: 400,
  versions: 3,
  partitions: 12,
  batch: 50_000,
  busy: false,
});

export interface IngestThroughputResult {
  readonly records: number;
  readonly rawPerSecond: number;
  readonly sinkPerSecond: number;
  readonly endToEndPerSecond: number;
  readonly ratio: number;
  /** Highest RSS of this process (the worker's) while it ran, in MiB. */
  readonly rssMiB: number;
  readonly jsHeapMiB: number;
  /** CPU time (every thread of this process: JS, DuckDB, libuv) per record, in microseconds. */
  readonly rawCpuMicros: number;
  readonly workerCpuMicros: number;
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

    return await withBusyCore(o.busy, () => measure(env, records, o));
  } finally {
    await env.close();
  }
}

/** Raw kafkajs over the filled topic, then the worker over the same topic. */
async function measure(
  env: BenchEnv,
  records: number,
  o: IngestThroughputOptions,
): Promise<IngestThroughputResult> {
  const rawCpu = process.cpuUsage();
  const rawSeconds = await rawKafkajsSeconds(env, records);
  const rawCpuUsed = process.cpuUsage(rawCpu);

  const worker = await benchWorker(
    env,
    { maxBatchSize: o.batch, maxWaitMs: 200 },
    process.env.BENCH_DEBUG !== undefined,
  );
  const rss = rssSampler();
  const workerCpu = process.cpuUsage();
  const t0 = performance.now();
  await worker.start();
  let sinkAt = 0;
  const sinkWatch = setInterval(() => {
    if (sinkAt === 0 && worker.metrics.recordsOut.get({ region: env.region, stage: "sink" }) >= records)
      sinkAt = performance.now();
  }, 20);
  await untilCaughtUp(worker);
  const e2eSeconds = (performance.now() - t0) / 1000;
  const workerCpuUsed = process.cpuUsage(workerCpu);
  clearInterval(sinkWatch);
  await worker.stop();
  const sinkSeconds = sinkAt === 0 ? e2eSeconds : (sinkAt - t0) / 1000;
  return {
    records,
    rawPerSecond: records / rawSeconds,
    sinkPerSecond: records / sinkSeconds,
    endToEndPerSecond: records / e2eSeconds,
    ratio: rawSeconds / e2eSeconds,
    rssMiB: rss.stop(),
    jsHeapMiB: rss.jsAtPeakMiB,
    rawCpuMicros: (rawCpuUsed.user + rawCpuUsed.system) / records,
    workerCpuMicros: (workerCpuUsed.user + workerCpuUsed.system) / records,
  };
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
      busy: { type: "boolean" },
      json: { type: "boolean" },
    },
  });
  const pick = (key: Exclude<keyof IngestThroughputOptions, "busy">): number =>
    Number(
      values[key] ?? process.env[`BENCH_INGEST_${key.toUpperCase()}`] ?? INGEST_THROUGHPUT_DEFAULTS[key],
    );
  return {
    workspaces: pick("workspaces"),
    issues: pick("issues"),
    versions: pick("versions"),
    partitions: pick("partitions"),
    batch: pick("batch"),
    busy: values.busy ?? process.env.BENCH_INGEST_BUSY === "1",
  };
}

export default async function main(argv: readonly string[] = []): Promise<BenchReport> {
  const o = options(argv);
  const r = await runIngestThroughput(o);
  const raw = { name: "raw kafkajs", value: r.rawPerSecond };
  const figures: Figure[] = [
    { name: raw.name, value: r.rawPerSecond, unit: "records/s" },
    ratioFigure("Kafka -> raw sink", r.sinkPerSecond, "records/s", raw, {
      better: "higher",
      target: ">= 0.6x raw",
      met: r.sinkPerSecond / r.rawPerSecond >= 0.6,
    }),
    ratioFigure("Kafka -> merged tables", r.endToEndPerSecond, "records/s", raw, {
      better: "higher",
      target: ">= 0.35x raw and >= 50,000 records/s",
      met: r.ratio >= 0.35 && r.endToEndPerSecond >= 50_000,
    }),
    // CPU per record does not depend on what else runs on the machine, as wall-clock rates do.
    { name: "raw kafkajs CPU per record", value: r.rawCpuMicros, unit: "us" },
    ratioFigure(
      "worker CPU per record (Kafka -> merged)",
      r.workerCpuMicros,
      "us",
      { name: "raw kafkajs CPU per record", value: r.rawCpuMicros },
      { better: "lower" },
    ),
    { name: "worker RSS (highest)", value: r.rssMiB, unit: "MiB", better: "lower" },
    { name: "  of which JS heap at the peak", value: r.jsHeapMiB, unit: "MiB", better: "lower" },
  ];
  const text =
    `ingest-throughput: ${r.records.toLocaleString("en-US")} records, ${o.partitions} partitions, one worker, ` +
    `batches of ${o.batch}${o.busy ? ", one core busy elsewhere" : ""}\n${figures.map((f) => figureLine(f)).join("\n")}`;
  return { bench: "ingest-throughput", options: { ...o, records: r.records }, figures, text };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href)
  console.log((await main(process.argv.slice(2))).text);
