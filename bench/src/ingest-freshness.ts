// Freshness of one ingest worker at a fixed input rate: a load process (this program with --role load) produces
// --rate records/s for --seconds and runs a raw kafkajs consumer on the same topic, while this process runs the
// worker and collects every merged record's freshness (target commit time minus its Kafka timestamp), and the
// sink's. The baseline, from the same run: the raw consumer's delivery latency (receive time minus the same
// timestamp). Prints p50/p99 of each; the first --warmup seconds are left out. The load runs in its own process
// so that neither side's event loop delays the other's timestamps.
// Run: `npx tsc -b bench && node bench/dist/ingest-freshness.js [--rate 10000] [--seconds 30]`.
import { spawn } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { createKafkaTransport, type OutgoingMessage, recordsTopic } from "@facsimile/bus";
import { generateWorkload } from "@facsimile/ingest/testing";
import { encodeRecord } from "@facsimile/protocol";
import { Kafka, logLevel } from "kafkajs";
import { benchEnv, benchWorker, percentile, registry, untilCaughtUp } from "./ingest-support.js";

export interface IngestFreshnessOptions {
  readonly rate: number;
  readonly seconds: number;
  readonly warmup: number;
  readonly partitions: number;
}

export const INGEST_FRESHNESS_DEFAULTS: Readonly<IngestFreshnessOptions> = Object.freeze({
  rate: 10_000,
  seconds: 30,
  warmup: 5,
  partitions: 12,
});

export interface Percentiles {
  readonly p50: number;
  readonly p99: number;
  readonly count: number;
}

export interface IngestFreshnessResult {
  /** Records the load process produced per second of its production window. */
  readonly producedPerSecond: number;
  readonly raw: Percentiles;
  readonly sink: Percentiles;
  readonly merge: Percentiles;
  readonly drainSeconds: number;
}

function summary(samples: number[]): Percentiles {
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 0.5), p99: percentile(samples, 0.99), count: samples.length };
}

/** The load process: produces at the rate and measures raw kafkajs delivery latency; one JSON line per event. */
async function runLoad(region: string, brokers: readonly string[], o: IngestFreshnessOptions): Promise<void> {
  const pool = generateWorkload(
    registry,
    { url: "file:///unused" },
    {
      seed: 5,
      workspaces: 40,
      issuesPerWorkspace: 100,
      projectsPerWorkspace: 1,
      pagesPerWorkspace: 1,
      versionsPerResource: 1,
      tombstoneShare: 0,
      generationShare: 0,
      duplicateShare: 0,
      largeShare: 0,
    },
  ).records;
  const transport = createKafkaTransport({ brokers, clientId: "bench-load" });
  const raw: number[] = [];
  let measureFrom = Number.POSITIVE_INFINITY;
  const kafka = new Kafka({ clientId: "bench-raw", brokers: [...brokers], logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `bench-raw-${Date.now()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: [recordsTopic(region)], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    partitionsConsumedConcurrently: 32,
    eachBatch: async ({ batch }) => {
      const now = Date.now();
      for (const m of batch.messages) {
        const ts = Number(m.timestamp);
        if (ts >= measureFrom) raw.push((now - ts) / 1000);
      }
    },
  });
  await new Promise((r) => setTimeout(r, 3_000));
  const tickMs = 20;
  const started = Date.now();
  measureFrom = started + o.warmup * 1000;
  console.log(JSON.stringify({ measureFrom }));
  let produced = 0;
  let version = 1_000n;
  const inFlight = new Set<Promise<unknown>>();
  while (Date.now() - started < o.seconds * 1000) {
    const due = Math.floor(((Date.now() - started) / 1000) * o.rate);
    if (produced < due) {
      const messages: OutgoingMessage[] = [];
      for (; produced < due; produced++) {
        const r = pool[produced % pool.length];
        version++;
        if (r !== undefined)
          messages.push({ key: r.workspaceId, value: encodeRecord({ ...r.record, version }) });
      }
      const p = transport.produce(recordsTopic(region), messages);
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
      if (inFlight.size > 16) await Promise.race(inFlight);
    }
    await new Promise((r) => setTimeout(r, tickMs));
  }
  const window = (Date.now() - started) / 1000;
  await Promise.all(inFlight);
  await new Promise((r) => setTimeout(r, 3_000));
  await consumer.disconnect();
  await transport.close();
  console.log(JSON.stringify({ produced, window, raw: summary(raw) }));
}

export async function runIngestFreshness(o: IngestFreshnessOptions): Promise<IngestFreshnessResult> {
  const env = await benchEnv("fresh", o.partitions);
  try {
    const worker = await benchWorker(
      env,
      { maxBatchSize: 20_000, maxWaitMs: 100, mergePollMs: 500 },
      process.env.BENCH_DEBUG !== undefined,
    );
    const samples = { sink: [] as number[], merge: [] as number[] };
    let measureFrom = Number.POSITIVE_INFINITY;
    const observe = worker.metrics.freshness.observe.bind(worker.metrics.freshness);
    // Exact percentiles: every observation is also kept (the histogram only has buckets).
    worker.metrics.freshness.observe = (labels, seconds) => {
      observe(labels, seconds);
      if (Date.now() - seconds * 1000 >= measureFrom)
        samples[labels.stage === "sink" ? "sink" : "merge"].push(seconds);
    };
    await worker.start();
    await untilCaughtUp(worker);

    const args = [
      "--role",
      "load",
      "--region",
      env.region,
      "--rate",
      String(o.rate),
      "--seconds",
      String(o.seconds),
    ];
    const load = spawn(
      process.execPath,
      [fileURLToPath(import.meta.url), ...args, "--warmup", String(o.warmup)],
      {
        stdio: ["ignore", "pipe", "inherit"],
        env: { ...process.env, KAFKA_BROKERS: env.brokers.join(",") },
      },
    );
    let report: { produced: number; window: number; raw: Percentiles } | undefined;
    let buffered = "";
    load.stdout.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        const event = JSON.parse(line) as { measureFrom?: number; produced?: number };
        if (event.measureFrom !== undefined) measureFrom = event.measureFrom;
        if (event.produced !== undefined) report = event as typeof report;
      }
    });
    const exit = await new Promise<number | null>((resolve) => load.once("exit", resolve));
    if (exit !== 0 || report === undefined) throw new Error(`the load process failed (exit ${exit})`);
    const drainStart = Date.now();
    await untilCaughtUp(worker);
    const drainSeconds = (Date.now() - drainStart) / 1000;
    await worker.stop();
    return {
      producedPerSecond: report.produced / report.window,
      raw: report.raw,
      sink: summary(samples.sink),
      merge: summary(samples.merge),
      drainSeconds,
    };
  } finally {
    await env.close();
  }
}

function options(argv: readonly string[]): IngestFreshnessOptions & { role: string; region: string } {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      rate: { type: "string" },
      seconds: { type: "string" },
      warmup: { type: "string" },
      partitions: { type: "string" },
      role: { type: "string", default: "worker" },
      region: { type: "string", default: "" },
    },
  });
  const pick = (key: keyof IngestFreshnessOptions): number =>
    Number(values[key] ?? process.env[`BENCH_INGEST_${key.toUpperCase()}`] ?? INGEST_FRESHNESS_DEFAULTS[key]);
  return {
    rate: pick("rate"),
    seconds: pick("seconds"),
    warmup: pick("warmup"),
    partitions: pick("partitions"),
    role: values.role,
    region: values.region,
  };
}

export default async function main(argv: readonly string[] = []): Promise<void> {
  const o = options(argv);
  if (o.role === "load") {
    await runLoad(o.region, (process.env.KAFKA_BROKERS ?? "127.0.0.1:19092").split(","), o);
    return;
  }
  const r = await runIngestFreshness(o);
  const s = (p: Percentiles): string =>
    `p50 ${p.p50.toFixed(2)} s, p99 ${p.p99.toFixed(2)} s (${p.count.toLocaleString("en-US")} records)`;
  console.log(
    `ingest-freshness: ${Math.round(r.producedPerSecond).toLocaleString("en-US")} records/s offered for ${o.seconds} s ` +
      `(first ${o.warmup} s left out), one worker\n` +
      `  raw kafkajs delivery (baseline)   ${s(r.raw)}\n` +
      `  raw sink committed                ${s(r.sink)} = p99 ${(r.sink.p99 / r.raw.p99).toFixed(1)} x raw\n` +
      `  merged into the target tables     ${s(r.merge)} = p99 ${(r.merge.p99 / r.raw.p99).toFixed(1)} x raw\n` +
      `  backlog drained ${r.drainSeconds.toFixed(1)} s after the input stopped`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main(process.argv.slice(2));
