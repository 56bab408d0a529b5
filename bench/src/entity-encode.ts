// Benchmark of the entity encoder on the producer's hot path: microseconds of CPU per JiraIssue (check, measure and
// write into a buffer of its own) for sizeEntity's compiled codec against the field-plan path it replaced and
// against protobuf-es's toBinary (encodeEntity), all in this run, for the small, typical and large records of the
// producer-throughput workload. Run: `node bench/dist/index.js entity-encode [--json]` (after build).
import { encodeEntity, loadDefaultRegistry, sizeEntity, sizeEntityByPlan } from "@facsimile/schemas";
import { buildWorkload, RECORD_SIZES } from "./producer-workload.js";
import { type BenchReport, type Figure, figureLine, ratioFigure } from "./report.js";

/** CPU microseconds per call of `fn` over `values` (round robin), after a warm-up. */
function cpuMicros(values: readonly object[], fn: (v: object) => unknown, minMs = 600): number {
  for (let i = 0; i < 3_000; i++) fn(values[i % values.length] as object);
  let n = 0;
  let sink = 0;
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  while (performance.now() - wallStart < minMs) {
    for (let i = 0; i < 500; i++) sink += fn(values[(n + i) % values.length] as object) === undefined ? 0 : 1;
    n += 500;
  }
  const cpu = process.cpuUsage(cpuStart);
  if (sink < 0) console.log(sink);
  return (cpu.user + cpu.system) / n;
}

export default async function run(): Promise<BenchReport> {
  const registry = loadDefaultRegistry();
  const figures: Figure[] = [];
  const lines = ["entity-encode: CPU us per JiraIssue, check + measure + write into its own buffer"];
  for (const size of RECORD_SIZES) {
    const values = buildWorkload(size, size === "large" ? 50 : 1_000, 50).changes.map((c) => c.value);
    const plan = {
      name: `field plans (${size})`,
      value: cpuMicros(values, (v) => sizeEntityByPlan(registry, "JiraIssue", v).toBytes()),
    };
    const toBinary = cpuMicros(values, (v) => encodeEntity(registry, "JiraIssue", v));
    const compiled = cpuMicros(values, (v) => sizeEntity(registry, "JiraIssue", v).toBytes());
    figures.push(
      { ...plan, unit: "us", better: "lower" },
      ratioFigure(`protobuf-es toBinary (${size})`, toBinary, "us", plan, { better: "lower" }),
      ratioFigure(`compiled codec (${size})`, compiled, "us", plan, { better: "lower" }),
    );
  }
  lines.push(...figures.map((f) => figureLine(f)));
  return { bench: "entity-encode", options: {}, figures, text: lines.join("\n") };
}
