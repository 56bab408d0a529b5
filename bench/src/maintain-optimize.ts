// Optimize beside live ingest: one worker merges a stream offered at --rate records/s (5k by default) for --seconds,
// twice in the same run: once alone (the baseline) and once while `facsimile maintain optimize` runs against the
// same region every --every seconds in a process of its own, as `maintain --schedule` would. Figures: the merged
// freshness p99 with optimize as a ratio of the one without (target <= 1.2x); the most data files any partition
// holds at the end of each run, and after one more optimize once the stream is merged, against the stated bound
// (one file per partition per million rows: optimize leaves no two small files in a partition); optimize runs
// that failed (target 0: no CommitConflictError or any other error reaches the user), its commits and re-plans,
// and the merge rounds that started over after losing a commit race (to optimize or otherwise).
// Run: `npx tsc -b bench && node bench/dist/index.js maintain-optimize [--rate 5000] [--seconds 30] [--every 5]
// [--repeat 3]` (--repeat: alternated pairs, the median pair's figures; failures counted over all of them).
// The load process is ingest-freshness's (`--role load`): the same workload, timestamps and raw baseline.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { benchEnv, benchWorker, percentile, targetFileCounts, untilCaughtUp } from "./ingest-support.js";
import { type BenchReport, type Figure, figureLine, ratioFigure } from "./report.js";

export interface MaintainOptimizeOptions {
  readonly rate: number;
  readonly seconds: number;
  readonly warmup: number;
  readonly partitions: number;
  /** Seconds between the end of one optimize run and the start of the next. */
  readonly every: number;
  /** Pairs of runs (without, with), alternated; the figures are of the pair with the median ratio. */
  readonly repeat: number;
}

export const MAINTAIN_OPTIMIZE_DEFAULTS: Readonly<MaintainOptimizeOptions> = Object.freeze({
  rate: 5_000,
  seconds: 30,
  warmup: 5,
  partitions: 12,
  every: 5,
  repeat: 1,
});

const LOAD = fileURLToPath(new URL("./ingest-freshness.js", import.meta.url));
const CLI = fileURLToPath(new URL("../../cli/dist/main.js", import.meta.url));
const P99_TARGET_RATIO = 1.2;
/** Files per partition after optimize: one per million rows (maxRowsPerFile) of small files; the bench's are all small. */
const FILES_BOUND = 1;

interface OptimizeRuns {
  runs: number;
  failed: number;
  commits: number;
  replans: number;
  filesRemoved: number;
  errors: string[];
}

interface RunResult {
  readonly merged: { readonly p50: number; readonly p99: number; readonly count: number };
  readonly rawP99: number;
  readonly filesPerPartitionAtEnd: number;
  readonly filesPerPartitionAfterOptimize: number;
  readonly filesAtEnd: number;
  readonly mergeRoundsStartedOver: number;
  readonly optimize: OptimizeRuns;
}

function runCli(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

async function optimizeOnce(region: string, lake: string, data: string, into: OptimizeRuns): Promise<void> {
  const r = await runCli([
    "maintain",
    "--region",
    region,
    "--lake",
    lake,
    "--data",
    data,
    "optimize",
    "--json",
  ]);
  into.runs++;
  if (r.code !== 0) {
    into.failed++;
    into.errors.push(r.stderr.trim().split("\n").slice(-3).join(" | "));
  }
  for (const line of r.stdout.split("\n")) {
    if (line.trim() === "") continue;
    const report = JSON.parse(line) as {
      result?: { version?: number; replans?: number; filesRemoved?: number };
    };
    if (report.result?.version !== undefined) into.commits++;
    into.replans += report.result?.replans ?? 0;
    into.filesRemoved += report.result?.filesRemoved ?? 0;
  }
}

async function run(o: MaintainOptimizeOptions, withOptimize: boolean): Promise<RunResult> {
  const env = await benchEnv(withOptimize ? "opt" : "noopt", o.partitions);
  const lake = join(env.dir, "lake");
  const optimize: OptimizeRuns = { runs: 0, failed: 0, commits: 0, replans: 0, filesRemoved: 0, errors: [] };
  try {
    const worker = await benchWorker(env, { maxBatchSize: 20_000, maxWaitMs: 100, mergePollMs: 500 });
    const samples: number[] = [];
    let measureFrom = Number.POSITIVE_INFINITY;
    const observe = worker.metrics.freshness.observe.bind(worker.metrics.freshness);
    worker.metrics.freshness.observe = (labels, seconds) => {
      observe(labels, seconds);
      if (labels.stage !== "sink" && Date.now() - seconds * 1000 >= measureFrom) samples.push(seconds);
    };
    await worker.start();
    await untilCaughtUp(worker);
    const load = spawn(
      process.execPath,
      [
        LOAD,
        "--role",
        "load",
        "--region",
        env.region,
        "--rate",
        String(o.rate),
        "--seconds",
        String(o.seconds),
      ].concat(["--warmup", String(o.warmup)]),
      { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, KAFKA_BROKERS: env.brokers.join(",") } },
    );
    let rawP99 = Number.NaN;
    let buffered = "";
    load.stdout.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        const event = JSON.parse(line) as { measureFrom?: number; raw?: { p99: number } };
        if (event.measureFrom !== undefined) measureFrom = event.measureFrom;
        if (event.raw !== undefined) rawP99 = event.raw.p99;
      }
    });
    let loading = true;
    const exited = new Promise<number | null>((resolve) => load.once("exit", resolve)).finally(() => {
      loading = false;
    });
    const optimizing = (async () => {
      if (!withOptimize) return;
      while (loading) {
        await new Promise((r) => setTimeout(r, o.every * 1000));
        if (loading) await optimizeOnce(env.region, lake, env.dir, optimize);
      }
    })();
    const exit = await exited;
    if (exit !== 0) throw new Error(`the load process failed (exit ${exit})`);
    await untilCaughtUp(worker);
    await optimizing;
    const mergeRoundsStartedOver = worker.metrics.commitConflicts.get({ region: env.region, table: "merge" });
    await worker.stop();
    const atEnd = await targetFileCounts(env);
    // One more optimize once everything is merged: the bound is what it leaves.
    const final: OptimizeRuns = { runs: 0, failed: 0, commits: 0, replans: 0, filesRemoved: 0, errors: [] };
    await optimizeOnce(env.region, lake, env.dir, final);
    const after = await targetFileCounts(env);
    samples.sort((a, b) => a - b);
    return {
      merged: { p50: percentile(samples, 0.5), p99: percentile(samples, 0.99), count: samples.length },
      rawP99,
      filesPerPartitionAtEnd: atEnd.maxPerPartition,
      filesPerPartitionAfterOptimize: after.maxPerPartition,
      filesAtEnd: atEnd.files,
      mergeRoundsStartedOver,
      optimize: withOptimize
        ? optimize
        : { ...final, runs: 0, commits: 0, replans: 0, failed: final.failed, errors: final.errors },
    };
  } finally {
    await env.close();
  }
}

function options(argv: readonly string[]): MaintainOptimizeOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      rate: { type: "string" },
      seconds: { type: "string" },
      warmup: { type: "string" },
      partitions: { type: "string" },
      every: { type: "string" },
      repeat: { type: "string" },
      json: { type: "boolean" },
    },
  });
  const pick = (k: keyof MaintainOptimizeOptions): number =>
    Number(values[k] ?? MAINTAIN_OPTIMIZE_DEFAULTS[k]);
  return {
    rate: pick("rate"),
    seconds: pick("seconds"),
    warmup: pick("warmup"),
    partitions: pick("partitions"),
    every: pick("every"),
    repeat: pick("repeat"),
  };
}

export default async function main(argv: readonly string[] = []): Promise<BenchReport> {
  const o = options(argv);
  // Pairs alternate so that a change in the machine's load hits both sides alike; the median pair is shown.
  const pairs: { without: RunResult; withOpt: RunResult; ratio: number }[] = [];
  for (let i = 0; i < o.repeat; i++) {
    const a = await run(o, false);
    const b = await run(o, true);
    pairs.push({ without: a, withOpt: b, ratio: b.merged.p99 / a.merged.p99 });
  }
  const ratios = pairs.map((p) => p.ratio).sort((x, y) => x - y);
  const median = pairs.find(
    (p) => p.ratio === ratios[Math.floor((ratios.length - 1) / 2)],
  ) as (typeof pairs)[0];
  const { without, withOpt } = median;
  const at = `at ${o.rate / 1000}k/s`;
  const base = { name: `merged p99 without optimize ${at}`, value: without.merged.p99 };
  const figures: Figure[] = [
    { name: base.name, value: base.value, unit: "s" },
    ratioFigure(`merged p99 with optimize every ${o.every} s ${at}`, withOpt.merged.p99, "s", base, {
      better: "lower",
      target: `<= ${P99_TARGET_RATIO}x without`,
      met: withOpt.merged.p99 <= P99_TARGET_RATIO * base.value,
    }),
    { name: "raw kafkajs delivery p99, without", value: without.rawP99, unit: "s" },
    { name: "  with optimize", value: withOpt.rawP99, unit: "s", better: "lower" },
    {
      name: "files per partition (most) at the end, without",
      value: without.filesPerPartitionAtEnd,
      unit: "files",
      better: "lower",
    },
    {
      name: "files per partition (most) at the end, with",
      value: withOpt.filesPerPartitionAtEnd,
      unit: "files",
      better: "lower",
    },
    {
      name: "files per partition (most) after a final optimize",
      value: withOpt.filesPerPartitionAfterOptimize,
      unit: "files",
      better: "lower",
      target: `<= ${FILES_BOUND}`,
      met: withOpt.filesPerPartitionAfterOptimize <= FILES_BOUND,
    },
    {
      name: "optimize runs failed (errors reaching the user)",
      value: pairs.reduce((n, p) => n + p.withOpt.optimize.failed, 0),
      unit: "runs",
      better: "lower",
      target: "0",
      met: pairs.every((p) => p.withOpt.optimize.failed === 0),
    },
    { name: "optimize runs", value: withOpt.optimize.runs, unit: "runs", better: "lower" },
    { name: "  commits", value: withOpt.optimize.commits, unit: "commits", better: "lower" },
    {
      name: "  re-plans after a concurrent merge",
      value: withOpt.optimize.replans,
      unit: "re-plans",
      better: "lower",
    },
    {
      name: "merge rounds started over, without",
      value: without.mergeRoundsStartedOver,
      unit: "rounds",
      better: "lower",
    },
    {
      name: "merge rounds started over, with",
      value: withOpt.mergeRoundsStartedOver,
      unit: "rounds",
      better: "lower",
    },
  ];
  const lines = [
    `maintain-optimize: ${o.rate.toLocaleString("en-US")} records/s offered for ${o.seconds} s (first ${o.warmup} s left out), ` +
      `one worker, twice: alone, then with \`facsimile maintain optimize\` every ${o.every} s in its own process; ` +
      `merged p50 ${without.merged.p50.toFixed(2)} / ${withOpt.merged.p50.toFixed(2)} s over ` +
      `${without.merged.count.toLocaleString("en-US")} / ${withOpt.merged.count.toLocaleString("en-US")} records`,
    ...figures.map((f) => figureLine(f, 52)),
    ...(pairs.length > 1
      ? [
          `  ratios of the ${pairs.length} pairs: ${ratios.map((r) => r.toFixed(3)).join(", ")} (the median pair shown)`,
        ]
      : []),
    ...pairs.flatMap((p) => p.withOpt.optimize.errors.map((e) => `  optimize error: ${e}`)),
  ];
  return {
    bench: "maintain-optimize",
    options: { ...o, ratios },
    figures,
    text: lines.join("\n"),
  };
}
