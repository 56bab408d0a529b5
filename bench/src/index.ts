// Runs benchmarks by name: `node bench/dist/index.js [name ...]` (no name: all of them). Each benchmark is
// a module whose default export runs it and prints its figures as ratios against a baseline of the same run.
// Adding a benchmark: one line in BENCHES.
const BENCHES: Readonly<Record<string, () => Promise<{ default: () => Promise<void> }>>> = Object.freeze({
  "bus-codec": () => import("./bus-codec.js"),
  "ingest-freshness": () => import("./ingest-freshness.js"),
  "ingest-throughput": () => import("./ingest-throughput.js"),
  "lake-merge": () => import("./lake-merge.js"),
  "schemas-compile-check": () => import("./schemas-compile-check.js"),
});

async function main(names: readonly string[]): Promise<number> {
  const unknown = names.filter((n) => !(n in BENCHES));
  if (unknown.length > 0) {
    console.error(`unknown bench(es): ${unknown.join(", ")}; known: ${Object.keys(BENCHES).join(", ")}`);
    return 2;
  }
  for (const name of names.length > 0 ? names : Object.keys(BENCHES)) {
    const load = BENCHES[name];
    if (load === undefined) continue;
    const bench = await load();
    await bench.default();
  }
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
