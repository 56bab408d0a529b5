// Freshness over all regions is computed from the workers' exposition text the way Prometheus would; with one
// region it must agree with that worker's own histogram.
import { createIngestMetrics } from "@facsimile/ingest";
import { describe, expect, it } from "vitest";
import { bucketQuantile, freshnessBuckets } from "./combined-freshness.js";

describe("combined freshness", () => {
  it("agrees with the histogram's own quantile for one region", () => {
    const m = createIngestMetrics("eu");
    for (const s of [0.2, 0.3, 0.9, 1.2, 2.5, 2.6, 4, 8, 12, 40])
      m.freshness.observe({ region: "eu", stage: "merge" }, s);
    m.freshness.observe({ region: "eu", stage: "sink" }, 500);
    const buckets = freshnessBuckets([m.registry.render()]);
    for (const q of [0.5, 0.9, 0.99])
      expect(bucketQuantile(buckets, q)).toBeCloseTo(
        m.freshness.quantile(q, { region: "eu", stage: "merge" }) ?? -1,
      );
  });

  it("sums the regions' buckets, and knows nothing without observations", () => {
    const eu = createIngestMetrics("eu");
    const us = createIngestMetrics("us");
    for (let i = 0; i < 90; i++) eu.freshness.observe({ region: "eu", stage: "merge" }, 0.2);
    for (let i = 0; i < 10; i++) us.freshness.observe({ region: "us", stage: "merge" }, 20);
    const buckets = freshnessBuckets([eu.registry.render(), us.registry.render()]);
    expect(buckets.get(Number.POSITIVE_INFINITY)).toBe(100);
    expect(bucketQuantile(buckets, 0.5)).toBeLessThanOrEqual(0.25);
    expect(bucketQuantile(buckets, 0.99)).toBeGreaterThan(15);
    expect(
      bucketQuantile(freshnessBuckets([createIngestMetrics("ap").registry.render()]), 0.5),
    ).toBeUndefined();
  });
});
