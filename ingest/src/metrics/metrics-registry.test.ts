// The Prometheus text the worker serves: counters, gauges and cumulative histogram buckets with escaped labels.
import { describe, expect, it } from "vitest";
import { MetricsRegistry } from "./metrics-registry.js";

describe("metrics registry", () => {
  it("renders the text exposition format", () => {
    const r = new MetricsRegistry();
    const c = r.counter("x_total", "Things");
    const g = r.gauge("lag", "Lag");
    const h = r.histogram("fresh_seconds", "Freshness", [1, 5]);
    c.inc({ reason: 'say "hi"\n' }, 2);
    c.inc({ reason: 'say "hi"\n' });
    g.set({ partition: "3" }, 42);
    for (const v of [0.5, 2, 2, 9]) h.observe({ stage: "merge" }, v);
    expect(r.render()).toBe(
      [
        "# HELP x_total Things",
        "# TYPE x_total counter",
        'x_total{reason="say \\"hi\\"\\n"} 3',
        "# HELP lag Lag",
        "# TYPE lag gauge",
        'lag{partition="3"} 42',
        "# HELP fresh_seconds Freshness",
        "# TYPE fresh_seconds histogram",
        'fresh_seconds_bucket{stage="merge",le="1"} 1',
        'fresh_seconds_bucket{stage="merge",le="5"} 3',
        'fresh_seconds_bucket{stage="merge",le="+Inf"} 4',
        'fresh_seconds_sum{stage="merge"} 13.5',
        'fresh_seconds_count{stage="merge"} 4',
        "",
      ].join("\n"),
    );
    expect(h.quantile(0.5, { stage: "merge" })).toBeCloseTo(1 + (4 * (2 - 1)) / 2);
    expect(() => r.counter("x_total", "again")).toThrow(/twice/);
  });

  it("puts a histogram's observations in the series of their labels' values, whichever object carries them", () => {
    const h = new MetricsRegistry().histogram("fresh_seconds", "Freshness", [1, 5]);
    const sink = { region: "eu", stage: "sink" };
    const merge = { region: "eu", stage: "merge" };
    for (const v of [0.5, 2, 7]) h.observe(sink, v);
    h.observe(merge, 3);
    h.observe({ stage: "sink", region: "eu" }, 4);
    h.observe(sink, 0.25);
    expect(h.totals({ region: "eu", stage: "sink" })).toEqual({ count: 5, sum: 13.75 });
    expect(h.totals({ stage: "merge", region: "eu" })).toEqual({ count: 1, sum: 3 });
  });
});
