// A region at a glance, from its workers' metrics: workers, lag (total and per partition), merge freshness p50
// and p99 over every worker's histogram, dead letters, records in and merged.
import { totalLag } from "../controller/worker-sample.js";
import { bucketQuantile, type WorkerMetrics } from "./worker-metrics.js";

export interface RegionStatus {
  readonly region: string;
  readonly workers: readonly {
    readonly id: string;
    readonly partitions: readonly number[];
    readonly lag: number;
    readonly inPerSecond: number;
    readonly busyRatio: number;
  }[];
  /** Workers listed whose metrics could not be read. */
  readonly unreachable: readonly string[];
  readonly lag: number;
  readonly freshnessP50Seconds: number | null;
  readonly freshnessP99Seconds: number | null;
  readonly deadLetters: number;
  readonly recordsIn: number;
  readonly recordsMerged: number;
}

export function regionStatus(
  region: string,
  workers: readonly WorkerMetrics[],
  unreachable: readonly string[] = [],
): RegionStatus {
  const buckets = new Map<number, number>();
  for (const w of workers)
    for (const [le, c] of w.freshnessBuckets) buckets.set(le, (buckets.get(le) ?? 0) + c);
  const merged = [...buckets].sort(([a], [b]) => a - b);
  const sum = (f: (w: WorkerMetrics) => number): number => workers.reduce((a, w) => a + f(w), 0);
  return {
    region,
    workers: workers.map((w) => ({
      id: w.id,
      partitions: w.lag.map((l) => l.partition).sort((a, b) => a - b),
      lag: w.lag.reduce((a, l) => a + l.lag, 0),
      inPerSecond: w.inPerSecond,
      busyRatio: w.busyRatio,
    })),
    unreachable,
    lag: totalLag(workers),
    freshnessP50Seconds: bucketQuantile(merged, 0.5) ?? null,
    freshnessP99Seconds: bucketQuantile(merged, 0.99) ?? null,
    deadLetters: sum((w) => w.deadLetters),
    recordsIn: sum((w) => w.recordsIn),
    recordsMerged: sum((w) => w.recordsMerged),
  };
}

export function formatRegionStatus(s: RegionStatus): string {
  const f = (v: number | null): string => (v === null ? "-" : `${v.toFixed(2)}s`);
  const lines = [
    `region ${s.region}: ${s.workers.length} worker(s), lag ${s.lag}, freshness p50 ${f(s.freshnessP50Seconds)} ` +
      `p99 ${f(s.freshnessP99Seconds)}, dead letters ${s.deadLetters}, in ${s.recordsIn}, merged ${s.recordsMerged}`,
  ];
  for (const w of s.workers)
    lines.push(
      `  ${w.id}: partitions [${w.partitions.join(",")}] lag ${w.lag} in ${w.inPerSecond.toFixed(0)}/s busy ${(w.busyRatio * 100).toFixed(0)}%`,
    );
  for (const u of s.unreachable) lines.push(`  ${u}: unreachable`);
  return lines.join("\n");
}
