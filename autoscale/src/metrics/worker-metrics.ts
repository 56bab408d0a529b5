// One ingest worker's scraped metrics reduced to what the controller and `facsimile status` read: lag per owned
// partition, records in and out per second, busy ratio, dead letters, and the merge freshness histogram's
// buckets (summed over workers for a region's quantiles).
import type { WorkerSample } from "../controller/worker-sample.js";
import type { MetricSample } from "./parse-prometheus.js";

const P = "facsimile_ingest";

export interface WorkerMetrics extends WorkerSample {
  readonly deadLetters: number;
  readonly recordsIn: number;
  readonly recordsMerged: number;
  /** Cumulative merge-freshness buckets: [upper bound in seconds, count]; +Inf last. */
  readonly freshnessBuckets: readonly (readonly [number, number])[];
}

export function workerMetrics(id: string, samples: readonly MetricSample[]): WorkerMetrics {
  const sum = (name: string, match: (l: Readonly<Record<string, string>>) => boolean = () => true): number =>
    samples.filter((s) => s.name === name && match(s.labels)).reduce((a, s) => a + s.value, 0);
  const buckets = new Map<number, number>();
  for (const s of samples)
    if (s.name === `${P}_freshness_seconds_bucket` && s.labels.stage === "merge") {
      const le = s.labels.le === "+Inf" ? Number.POSITIVE_INFINITY : Number(s.labels.le);
      buckets.set(le, (buckets.get(le) ?? 0) + s.value);
    }
  return {
    id,
    lag: samples
      .filter((s) => s.name === `${P}_consumer_lag` && s.labels.partition !== undefined)
      .map((s) => ({ partition: Number(s.labels.partition), lag: s.value })),
    inPerSecond: sum(`${P}_records_in_per_second`),
    outPerSecond: sum(`${P}_records_out_per_second`, (l) => l.stage === "merge"),
    busyRatio: Math.min(1, Math.max(0, sum(`${P}_busy_ratio`))),
    deadLetters: sum(`${P}_dead_letters_total`),
    recordsIn: sum(`${P}_records_in_total`),
    recordsMerged: sum(`${P}_records_out_total`, (l) => l.stage === "merge"),
    freshnessBuckets: [...buckets].sort(([a], [b]) => a - b),
  };
}

/** The q-quantile of cumulative buckets, linear inside a bucket (as histogram_quantile); undefined when empty. */
export function bucketQuantile(
  buckets: readonly (readonly [number, number])[],
  q: number,
): number | undefined {
  const total = buckets.at(-1)?.[1] ?? 0;
  if (total === 0) return undefined;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const [le, count] of buckets) {
    if (count >= rank) {
      if (le === Number.POSITIVE_INFINITY) return prevLe;
      return count === prevCount ? le : prevLe + ((le - prevLe) * (rank - prevCount)) / (count - prevCount);
    }
    prevLe = le;
    prevCount = count;
  }
  return prevLe;
}
