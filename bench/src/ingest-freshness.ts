// Freshness of one ingest worker at a fixed input rate: a load process (this program with --role load) produces
// --rate records/s for --seconds and runs a raw kafkajs consumer on the same topic, while this process runs the
// worker and collects every merged record's freshness (target commit time minus its Kafka timestamp), and the
// sink's. The baseline, from the same run: the raw consumer's delivery latency (receive time minus the same
// timestamp). Prints p50/p99 of each; the first --warmup seconds are left out. The load runs in its own process
// so that neither side's event loop delays the other's timestamps.
// Rates: --rates 2000,10000,20000 (the default: one worker run per rate) or --rate N. --busy: one core kept busy
// by another process meanwhile. Besides freshness it reports how long the backlog took to drain after the input
// stopped, the worker's highest RSS and the most data files any partition of a target table holds at the end.
// Run: `npx tsc -b bench && node bench/dist/ingest-freshness.js [--rates 10000] [--seconds 30] [--busy]`.
import { spawn } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { createKafkaTransport, type OutgoingMessage, recordsTopic } from "@facsimile/bus";
import { generateWorkload } from "@facsimile/ingest/testing";
import { encodeRecord } from "@facsimile/protocol";
import { Kafka, logLevel } from "kafkajs";
import {
  benchEnv,
  benchWorker,
  percentile,
  registry,
  targetFileCounts,
  untilCaughtUp,
  withBusyCore,
} from "./ingest-support.js";
import { type BenchReport, type Figure, figureLine, ratioFigure, rssSampler } from "./report.js";

export interface IngestFreshnessOptions {
  /** Records/s offered; the bench runs once per rate. */
  readonly rates: readonly number[];
  readonly seconds: number;
  readonly warmup: number;
  readonly partitions: number;
  /** One core kept busy by another process while the worker runs. */
  readonly busy: boolean;
}

export const INGEST_FRESHNESS_DEFAULTS: Readonly<IngestFreshnessOptions> = Object.freeze({
  rates: Object.freeze([2_000, 10_000, 20_000]),
  seconds: 30,
  warmup: 5,
  partitions: 12,
  busy: false,
});

/** One run at one rate. */
export type FreshnessRun = Omit<IngestFreshnessOptions, "rates"> & { readonly rate: number };

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
  /** Highest RSS of this process (the worker's) over the run, in MiB. */
  readonly rssMiB: number;
  /** Of it, the JS heap and the buffers it tracks at the peak (the rest is mostly DuckDB). */
  readonly jsHeapMiB: number;
  /** The most live data files one partition of a target table holds at the end, and all of them. */
  readonly filesPerPartition: number;
  readonly files: number;
}

function summary(samples: number[]): Percentiles {
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 0.5), p99: percentile(samples, 0.99), count: samples.length };
}

/** The load process: produces at the rate and measures raw kafkajs delivery latency; one JSON line per event. */
async function runLoad(region: string, brokers: readonly string[], o: FreshnessRun): Promise<void> {
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

export async function runIngestFreshness(o: FreshnessRun): Promise<IngestFreshnessResult> {
  const env = await benchEnv("fresh", o.partitions);
  const rss = rssSampler();
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
    const rssMiB = rss.stop();
    const counts = await targetFileCounts(env);
    return {
      producedPerSecond: report.produced / report.window,
      raw: report.raw,
      sink: summary(samples.sink),
      merge: summary(samples.merge),
      drainSeconds,
      rssMiB,
      jsHeapMiB: rss.jsAtPeakMiB,
      filesPerPartition: counts.maxPerPartition,
      files: counts.files,
    };
  } finally {
    rss.stop();
    await env.close();
  }
}

function options(argv: readonly string[]): IngestFreshnessOptions & { role: string; region: string } {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      rate: { type: "string" },
      rates: { type: "string" },
      seconds: { type: "string" },
      warmup: { type: "string" },
      partitions: { type: "string" },
      busy: { type: "boolean" },
      json: { type: "boolean" },
      role: { type: "string", default: "worker" },
      region: { type: "string", default: "" },
    },
  });
  const pick = (key: "seconds" | "warmup" | "partitions"): number =>
    Number(values[key] ?? process.env[`BENCH_INGEST_${key.toUpperCase()}`] ?? INGEST_FRESHNESS_DEFAULTS[key]);
  const rates = values.rate ?? values.rates ?? process.env.BENCH_INGEST_RATES;
  return {
    rates: rates === undefined ? INGEST_FRESHNESS_DEFAULTS.rates : rates.split(",").map(Number),
    seconds: pick("seconds"),
    warmup: pick("warmup"),
    partitions: pick("partitions"),
    busy: values.busy ?? process.env.BENCH_INGEST_BUSY === "1",
    role: values.role,
    region: values.region,
  };
}

/** p99 targets of the merged freshness by offered rate (the issue's table), in seconds. */
const MERGED_P99_TARGET: Readonly<Record<number, number>> = Object.freeze({ 2000: 1, 10000: 5, 20000: 10 });
const DRAIN_TARGET_SECONDS = 5;
const RSS_TARGET_MIB = 1536;

function figuresOf(rate: number, r: IngestFreshnessResult): Figure[] {
  const at = `at ${rate / 1000}k/s`;
  const raw = { name: `raw kafkajs delivery p99 ${at}`, value: r.raw.p99 };
  const p99Target = MERGED_P99_TARGET[rate];
  return [
    { name: raw.name, value: r.raw.p99, unit: "s" },
    ratioFigure(`raw sink committed p99 ${at}`, r.sink.p99, "s", raw, { better: "lower" }),
    ratioFigure(`merged p50 ${at}`, r.merge.p50, "s", raw, { better: "lower" }),
    ratioFigure(`merged p99 ${at}`, r.merge.p99, "s", raw, {
      better: "lower",
      ...(p99Target === undefined ? {} : { target: `<= ${p99Target} s`, met: r.merge.p99 <= p99Target }),
    }),
    ratioFigure(`backlog drained after input stopped ${at}`, r.drainSeconds, "s", raw, {
      better: "lower",
      target: `<= ${DRAIN_TARGET_SECONDS} s`,
      met: r.drainSeconds <= DRAIN_TARGET_SECONDS,
    }),
    {
      name: `worker RSS (highest) ${at}`,
      value: r.rssMiB,
      unit: "MiB",
      better: "lower",
      target: `<= ${RSS_TARGET_MIB} MiB`,
      met: r.rssMiB <= RSS_TARGET_MIB,
    },
    { name: `  of which JS heap at the peak ${at}`, value: r.jsHeapMiB, unit: "MiB", better: "lower" },
    {
      name: `data files per partition (most) ${at}`,
      value: r.filesPerPartition,
      unit: "files",
      better: "lower",
    },
  ];
}

export default async function main(argv: readonly string[] = []): Promise<BenchReport | undefined> {
  const o = options(argv);
  if (o.role === "load") {
    const rate = o.rates[0] ?? 10_000;
    await runLoad(o.region, (process.env.KAFKA_BROKERS ?? "127.0.0.1:19092").split(","), { ...o, rate });
    return undefined;
  }
  const figures: Figure[] = [];
  const lines: string[] = [];
  const runs: Record<string, unknown>[] = [];
  for (const rate of o.rates) {
    const r = await withBusyCore(o.busy, () => runIngestFreshness({ ...o, rate }));
    const mine = figuresOf(rate, r);
    figures.push(...mine);
    runs.push({ rate, offered: Math.round(r.producedPerSecond), records: r.merge.count, files: r.files });
    lines.push(
      `ingest-freshness: ${Math.round(r.producedPerSecond).toLocaleString("en-US")} records/s offered for ${o.seconds} s ` +
        `(first ${o.warmup} s left out), one worker${o.busy ? ", one core busy elsewhere" : ""}; ` +
        `merged p50 ${r.merge.p50.toFixed(2)} s over ${r.merge.count.toLocaleString("en-US")} records, ` +
        `${r.files} target files`,
      ...mine.map((f) => figureLine(f, 48)),
    );
  }
  const { role: _role, region: _region, ...shown } = o;
  return { bench: "ingest-freshness", options: { ...shown, runs }, figures, text: lines.join("\n") };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const report = await main(process.argv.slice(2));
  if (report !== undefined) console.log(report.text);
}
