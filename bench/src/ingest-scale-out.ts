// Does a second worker add merge capacity instead of repeating the merge? One topic is filled with a generated
// workload; then in the same run
//   - one worker takes it from Kafka to merged target tables (the baseline), and
//   - two workers of one consumer group do the same into a fresh lake,
// and the total CPU-seconds per record of each run (this process: both workers, their DuckDB threads included)
// are compared: with merge ownership following partition ownership, two workers should cost at most ~1.1x the
// CPU of one per record. Also printed: the target commits of each run and the partition ranges merged twice
// (none expected), from the target tables' Delta logs.
// Sizes: --workspaces, --issues (per workspace), --partitions, --batch; or BENCH_INGEST_* env.
// Run: `npx tsc -b bench && node bench/dist/index.js ingest-scale-out [--json]` (Kafka at $KAFKA_BROKERS).
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import type { OutgoingMessage } from "@facsimile/bus";
import { type IngestWorker, mergeAppId } from "@facsimile/ingest";
import { deliveryMessage, generateWorkload, readMergeCommits } from "@facsimile/ingest/testing";
import { regionLayout } from "@facsimile/lake";
import { compileModels } from "@facsimile/transforms";
import { type BenchEnv, benchEnv, benchWorker, produceAll, registry } from "./ingest-support.js";
import { type BenchReport, type Figure, figureLine, ratioFigure } from "./report.js";

export interface IngestScaleOutOptions {
  readonly workspaces: number;
  readonly issues: number;
  readonly partitions: number;
  readonly batch: number;
}

export const INGEST_SCALE_OUT_DEFAULTS: Readonly<IngestScaleOutOptions> = Object.freeze({
  workspaces: 40,
  issues: 250,
  partitions: 8,
  batch: 10_000,
});

export interface ScaleOutRun {
  readonly workers: number;
  readonly cpuSeconds: number;
  readonly wallSeconds: number;
  readonly targetCommits: number;
  readonly doubled: number;
  /** Records each worker merged (from its metrics). */
  readonly mergedByWorker: readonly number[];
}

async function runWith(
  env: BenchEnv,
  workers: number,
  messages: readonly OutgoingMessage[],
  o: IngestScaleOutOptions,
): Promise<ScaleOutRun> {
  const records = messages.length;
  const groupId = `bench-scale-${Date.now()}`;
  const list: IngestWorker[] = [];
  for (let i = 0; i < workers; i++)
    list.push(
      await benchWorker(env, { groupId, maxBatchSize: o.batch, maxWaitMs: 200, lagIntervalMs: 60_000 }),
    );
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (const w of list) await w.start();
  // The group settles (every partition owned by someone) before the records arrive, so both workers get work.
  while (list.reduce((n, w) => n + (w.progress().mergePartitions?.length ?? 0), 0) < o.partitions)
    await new Promise((r) => setTimeout(r, 50));
  await produceAll(env, messages);
  // Every worker caught up: the topic consumed by the group and each one's partitions merged.
  for (;;) {
    const done = await Promise.all(list.map((w) => w.caughtUp()));
    const sunk = list.reduce(
      (n, w) => n + w.metrics.recordsOut.get({ region: env.region, stage: "sink" }),
      0,
    );
    if (done.every(Boolean) && sunk >= records) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const wallSeconds = (performance.now() - t0) / 1000;
  const mergedByWorker = list.map((w) => w.metrics.recordsOut.get({ region: env.region, stage: "merge" }));
  for (const w of list) await w.stop();
  const cpu = process.cpuUsage(cpu0);
  const { models } = await compileModels(registry);
  const commits = await readMergeCommits(
    env.store,
    env.region,
    models.map((m) => m.table),
    mergeAppId(regionLayout.sink(env.region)),
  );
  return {
    workers,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    wallSeconds,
    targetCommits: commits.commits,
    doubled: commits.doubled.length,
    mergedByWorker,
  };
}

export async function runIngestScaleOut(
  o: IngestScaleOutOptions,
): Promise<{ records: number; one: ScaleOutRun; two: ScaleOutRun }> {
  // Each run its own topic and lake, the same workload: the records arrive once the group has settled (a topic
  // filled beforehand would be taken by whichever worker joined first), and producing them costs both runs alike.
  const run = async (workers: number): Promise<{ records: number; result: ScaleOutRun }> => {
    const env = await benchEnv(`scale${workers}`, o.partitions);
    try {
      const workload = generateWorkload(registry, env.store, {
        seed: 21,
        workspaces: o.workspaces,
        issuesPerWorkspace: o.issues,
        projectsPerWorkspace: 2,
        pagesPerWorkspace: 4,
        largeShare: 0,
        duplicateShare: 0.05,
      });
      const messages = workload.deliveries.map(deliveryMessage);
      return { records: messages.length, result: await runWith(env, workers, messages, o) };
    } finally {
      await env.close();
    }
  };
  const one = await run(1);
  const two = await run(2);
  return { records: one.records, one: one.result, two: two.result };
}

function options(argv: readonly string[]): IngestScaleOutOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      workspaces: { type: "string" },
      issues: { type: "string" },
      partitions: { type: "string" },
      batch: { type: "string" },
      json: { type: "boolean" },
    },
  });
  const pick = (key: keyof IngestScaleOutOptions): number =>
    Number(values[key] ?? process.env[`BENCH_INGEST_${key.toUpperCase()}`] ?? INGEST_SCALE_OUT_DEFAULTS[key]);
  return {
    workspaces: pick("workspaces"),
    issues: pick("issues"),
    partitions: pick("partitions"),
    batch: pick("batch"),
  };
}

export default async function main(argv: readonly string[] = []): Promise<BenchReport> {
  const o = options(argv);
  const { records, one, two } = await runIngestScaleOut(o);
  const perRecord = (r: ScaleOutRun) => r.cpuSeconds / records;
  const base = { name: "CPU-seconds per record, 1 worker", value: perRecord(one) };
  const ratio = perRecord(two) / perRecord(one);
  const figures: Figure[] = [
    { name: base.name, value: base.value * 1e6, unit: "CPU-µs/record" },
    {
      ...ratioFigure("CPU-seconds per record, 2 workers", perRecord(two) * 1e6, "CPU-µs/record", {
        name: base.name,
        value: base.value * 1e6,
      }),
      better: "lower",
      target: "<= 1.1x 1 worker",
      met: ratio <= 1.1,
    },
    { name: "wall seconds, 1 worker", value: one.wallSeconds, unit: "s" },
    { name: "wall seconds, 2 workers", value: two.wallSeconds, unit: "s", better: "lower" },
    { name: "target commits, 1 worker", value: one.targetCommits, unit: "commits" },
    { name: "target commits, 2 workers", value: two.targetCommits, unit: "commits", better: "lower" },
    {
      name: "partition ranges merged twice, 2 workers",
      value: two.doubled + one.doubled,
      unit: "ranges",
      better: "lower",
      target: "0",
      met: two.doubled + one.doubled === 0,
    },
    {
      name: "records merged by the busier worker, 2 workers",
      value:
        Math.max(...two.mergedByWorker) /
        Math.max(
          1,
          two.mergedByWorker.reduce((a, b) => a + b, 0),
        ),
      unit: "share",
      better: "lower",
    },
  ];
  const text =
    `ingest-scale-out: ${records.toLocaleString("en-US")} records, ${o.partitions} partitions, 1 worker then 2 ` +
    `workers of one group, batches of ${o.batch}\n${figures.map((f) => figureLine(f, 50)).join("\n")}`;
  return { bench: "ingest-scale-out", options: { ...o, records }, figures, text };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href)
  console.log((await main(process.argv.slice(2))).text);
