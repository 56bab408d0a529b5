// Reading a worker's exposition text: lag per partition, rates, busy ratio, dead letters, freshness quantiles.
import { describe, expect, it } from "vitest";
import { parsePrometheus } from "./parse-prometheus.js";
import { regionStatus } from "./region-status.js";
import { bucketQuantile, workerMetrics } from "./worker-metrics.js";

const TEXT = [
  "# HELP facsimile_ingest_consumer_lag Lag",
  "# TYPE facsimile_ingest_consumer_lag gauge",
  'facsimile_ingest_consumer_lag{region="eu",topic="facsimile.eu.records",partition="0"} 120',
  'facsimile_ingest_consumer_lag{region="eu",topic="facsimile.eu.records",partition="3"} 30',
  'facsimile_ingest_records_in_per_second{region="eu"} 450.5',
  'facsimile_ingest_records_out_per_second{region="eu",stage="sink"} 400',
  'facsimile_ingest_records_out_per_second{region="eu",stage="merge"} 380',
  'facsimile_ingest_busy_ratio{region="eu"} 0.5',
  'facsimile_ingest_dead_letters_total{region="eu",reason="say \\"x\\""} 2',
  'facsimile_ingest_dead_letters_total{region="eu",reason="other"} 1',
  'facsimile_ingest_freshness_seconds_bucket{region="eu",stage="merge",le="1"} 50',
  'facsimile_ingest_freshness_seconds_bucket{region="eu",stage="merge",le="2"} 90',
  'facsimile_ingest_freshness_seconds_bucket{region="eu",stage="merge",le="+Inf"} 100',
  'facsimile_ingest_freshness_seconds_bucket{region="eu",stage="sink",le="+Inf"} 7',
  "",
].join("\n");

describe("worker metrics", () => {
  it("reduces a worker's exposition text", () => {
    const samples = parsePrometheus(TEXT);
    expect(samples.find((s) => s.name.startsWith("facsimile_ingest_dead"))?.labels.reason).toBe('say "x"');
    const w = workerMetrics("w1", samples);
    expect(w.lag).toEqual([
      { partition: 0, lag: 120 },
      { partition: 3, lag: 30 },
    ]);
    expect(w.inPerSecond).toBe(450.5);
    expect(w.outPerSecond).toBe(380);
    expect(w.busyRatio).toBe(0.5);
    expect(w.deadLetters).toBe(3);
    expect(bucketQuantile(w.freshnessBuckets, 0.5)).toBe(1);
    expect(bucketQuantile(w.freshnessBuckets, 0.7)).toBeCloseTo(1.5);
    const s = regionStatus("eu", [w, { ...w, id: "w2", lag: [{ partition: 3, lag: 40 }] }]);
    expect(s.lag).toBe(160);
    expect(s.deadLetters).toBe(6);
    expect(s.freshnessP50Seconds).toBe(1);
  });

  it("names the line that is not a sample", () => {
    expect(() => parsePrometheus("ok 1\nnot a sample line\n", "http://w1/metrics")).toThrow(
      /http:\/\/w1\/metrics line 2/,
    );
  });
});
