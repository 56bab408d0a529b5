// Freshness over all regions from the workers' Prometheus histograms: the bucket counts of every region summed,
// then a quantile interpolated inside its bucket, as `histogram_quantile(q, sum by (le) (...))` would. Pure: it
// reads the exposition text each worker's metrics registry renders.

const BUCKET = /^facsimile_ingest_freshness_seconds_bucket\{(.*)\} (\d+(?:\.\d+)?)$/;

/** Cumulative counts per upper bound (+Inf included), summed over every series of `stage`. */
export function freshnessBuckets(expositions: readonly string[], stage = "merge"): Map<number, number> {
  const sums = new Map<number, number>();
  for (const text of expositions)
    for (const line of text.split("\n")) {
      const m = BUCKET.exec(line);
      if (m === null || !(m[1] ?? "").includes(`stage="${stage}"`)) continue;
      const le = /le="([^"]+)"/.exec(m[1] ?? "")?.[1];
      if (le === undefined) continue;
      const bound = le === "+Inf" ? Number.POSITIVE_INFINITY : Number(le);
      sums.set(bound, (sums.get(bound) ?? 0) + Number(m[2]));
    }
  return sums;
}

/** The q-quantile in seconds, or undefined without observations. Beyond the last finite bound: that bound. */
export function bucketQuantile(buckets: ReadonlyMap<number, number>, q: number): number | undefined {
  const bounds = [...buckets.keys()].sort((a, b) => a - b);
  const total = buckets.get(Number.POSITIVE_INFINITY) ?? 0;
  if (total === 0) return undefined;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const upper of bounds) {
    const cumulative = buckets.get(upper) ?? 0;
    if (cumulative >= rank) {
      if (upper === Number.POSITIVE_INFINITY) return lower;
      const inBucket = cumulative - below;
      return inBucket === 0 ? upper : lower + ((upper - lower) * (rank - below)) / inBucket;
    }
    lower = upper;
    below = cumulative;
  }
  return lower;
}
