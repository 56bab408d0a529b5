// Runs benchmarks by name: `node bench/dist/index.js [name ...]` (no name: all of them). Each benchmark is
// a module whose default export runs it and prints its figures as ratios against a baseline of the same run.
// Options after the names (`node bench/dist/index.js lake-merge --rows 1000000`) go to each benchmark run.
// `--json` prints one JSON object per benchmark instead of text: its figures (name, value, unit, baseline, ratio,
// target) when it reports them, else its printed lines. Adding a benchmark: one line in BENCHES.
import type { BenchReport } from "./report.js";

type Bench = { default: (options: readonly string[]) => Promise<unknown> };

/** A benchmark that reports figures returns a BenchReport; the others print and return nothing. */
function isReport(x: unknown): x is BenchReport {
  return typeof x === "object" && x !== null && "figures" in x && "text" in x;
}
const BENCHES: Readonly<Record<string, () => Promise<Bench>>> = Object.freeze({
  "autoscale-sim": () => import("./autoscale-sim.js"),
  "bus-codec": () => import("./bus-codec.js"),
  "control-migrate": () => import("./control-migrate.js"),
  "entity-encode": () => import("./entity-encode.js"),
  "ingest-freshness": () => import("./ingest-freshness.js"),
  "ingest-scale-out": () => import("./ingest-scale-out.js"),
  "ingest-throughput": () => import("./ingest-throughput.js"),
  "lake-merge": () => import("./lake-merge.js"),
  "maintain-optimize": () => import("./maintain-optimize.js"),
  "producer-throughput": () => import("./producer-throughput.js"),
  "query-freshness": () => import("./query-freshness.js"),
  "schemas-compile-check": () => import("./schemas-compile-check.js"),
  "transforms-load": () => import("./transforms-load.js"),
});

async function runOne(name: string, bench: Bench, options: readonly string[], json: boolean): Promise<void> {
  if (!json) {
    const report = await bench.default(options);
    if (isReport(report)) console.log(report.text);
    return;
  }
  // Benchmarks that only print: their lines become the object's `lines`.
  const lines: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => lines.push(args.map(String).join(" "));
  let report: unknown;
  try {
    report = await bench.default(options);
  } finally {
    console.log = log;
  }
  if (isReport(report)) {
    console.log(
      JSON.stringify(
        report.json ?? { bench: report.bench, options: report.options, figures: report.figures },
      ),
    );
    return;
  }
  // A benchmark that printed one JSON object of its own (it takes --json too) has it passed on with its name.
  const own = lines.length === 1 ? parseObject(lines[0] as string) : undefined;
  console.log(JSON.stringify(own === undefined ? { bench: name, lines } : { bench: name, ...own }));
}

function parseObject(line: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const USAGE = `usage: npm run bench -- [name ...] [--json] [options for each bench]
  no name: every bench, one after the other; --json: one JSON object per bench instead of text
  options after the names go to each bench (e.g. lake-merge --rows 1000000); each bench's source lists its options
benches:`;

async function main(names: readonly string[], options: readonly string[]): Promise<number> {
  if (options.includes("--help") || options.includes("-h")) {
    console.log(
      `${USAGE}\n${Object.keys(BENCHES)
        .map((n) => `  ${n}`)
        .join("\n")}`,
    );
    return 0;
  }
  const unknown = names.filter((n) => !(n in BENCHES));
  if (unknown.length > 0) {
    console.error(`unknown bench(es): ${unknown.join(", ")}; known: ${Object.keys(BENCHES).join(", ")}`);
    return 2;
  }
  const json = options.includes("--json");
  // Benchmarks get --json among their options (those that print JSON themselves take it); those that read
  // process.argv themselves must not meet it there.
  process.argv = process.argv.filter((a) => a !== "--json");
  for (const name of names.length > 0 ? names : Object.keys(BENCHES)) {
    const load = BENCHES[name];
    if (load === undefined) continue;
    await runOne(name, await load(), options, json);
  }
  return 0;
}

const args = process.argv.slice(2);
const firstOption = args.findIndex((a) => a.startsWith("-"));
const split = firstOption === -1 ? args.length : firstOption;
process.exitCode = await main(args.slice(0, split), args.slice(split));
