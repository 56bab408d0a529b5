// Runs benchmarks by name: `node bench/dist/index.js [name ...]` (no name: all of them). Each benchmark is
// a module whose default export runs it and prints its figures as ratios against a baseline of the same run.
// Options after the names (`node bench/dist/index.js lake-merge --rows 1000000`) go to each benchmark run. Adding a benchmark: one line in BENCHES.
type Bench = { default: (options: readonly string[]) => Promise<void> };
const BENCHES: Readonly<Record<string, () => Promise<Bench>>> = Object.freeze({
  "bus-codec": () => import("./bus-codec.js"),
  "control-migrate": () => import("./control-migrate.js"),
  "ingest-freshness": () => import("./ingest-freshness.js"),
  "ingest-throughput": () => import("./ingest-throughput.js"),
  "lake-merge": () => import("./lake-merge.js"),
  "producer-throughput": () => import("./producer-throughput.js"),
  "query-freshness": () => import("./query-freshness.js"),
  "schemas-compile-check": () => import("./schemas-compile-check.js"),
  "transforms-load": () => import("./transforms-load.js"),
});

async function main(names: readonly string[], options: readonly string[]): Promise<number> {
  const unknown = names.filter((n) => !(n in BENCHES));
  if (unknown.length > 0) {
    console.error(`unknown bench(es): ${unknown.join(", ")}; known: ${Object.keys(BENCHES).join(", ")}`);
    return 2;
  }
  for (const name of names.length > 0 ? names : Object.keys(BENCHES)) {
    const load = BENCHES[name];
    if (load === undefined) continue;
    const bench = await load();
    await bench.default(options);
  }
  return 0;
}

const args = process.argv.slice(2);
const firstOption = args.findIndex((a) => a.startsWith("-"));
const split = firstOption === -1 ? args.length : firstOption;
process.exitCode = await main(args.slice(0, split), args.slice(split));
