// The ingest worker's metrics, one place for their names, labels and buckets: consumer lag per partition, records
// in and out (counters, and per-second rates over a sliding window for dashboards without PromQL), dead letters
// by reason, drops by reason, re-routes, commit conflicts, and freshness (commit time minus record time) of the
// sink and of the target tables as histograms. Values only; serve-metrics.ts exposes them.
import { type Counter, type Gauge, type Histogram, MetricsRegistry } from "./metrics-registry.js";

/** Freshness buckets in seconds: sub-second to ten minutes. */
export const FRESHNESS_BUCKETS = Object.freeze([
  0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 7.5, 10, 15, 30, 60, 120, 300, 600,
]);

const RATE_WINDOW_MS = 10_000;

/** Counts per second over the last RATE_WINDOW_MS, from timestamped increments. */
class RateWindow {
  private readonly events: { at: number; n: number }[] = [];
  private total = 0;

  add(at: number, n: number): void {
    this.events.push({ at, n });
    this.total += n;
  }

  perSecond(now: number): number {
    while (this.events.length > 0 && (this.events[0] as { at: number }).at < now - RATE_WINDOW_MS)
      this.total -= (this.events.shift() as { n: number }).n;
    return this.total / (RATE_WINDOW_MS / 1000);
  }
}

export interface IngestMetrics {
  readonly registry: MetricsRegistry;
  readonly lag: Gauge;
  readonly recordsIn: Counter;
  readonly recordsOut: Counter;
  readonly recordsInRate: Gauge;
  readonly recordsOutRate: Gauge;
  readonly deadLetters: Counter;
  readonly dropped: Counter;
  readonly rerouted: Counter;
  readonly replicated: Counter;
  readonly commitConflicts: Counter;
  readonly commits: Counter;
  readonly batchFailures: Counter;
  readonly freshness: Histogram;
  readonly busySeconds: Counter;
  readonly busyRatio: Gauge;
  /** Counts records consumed (for the rate gauge as well). */
  countIn(n: number, now: number): void;
  /** Counts records written to a stage ("sink" or "merge"). */
  countOut(stage: "sink" | "merge", n: number, now: number): void;
  /** Counts time spent handling a micro-batch (busy time, for the autoscaler's true-rate estimate). */
  countBusy(ms: number, now: number): void;
  /** Refreshes the per-second gauges. */
  updateRates(now: number): void;
}

export function createIngestMetrics(region: string): IngestMetrics {
  const registry = new MetricsRegistry();
  const p = "facsimile_ingest";
  const m = {
    registry,
    lag: registry.gauge(`${p}_consumer_lag`, "Messages behind the high watermark, per owned partition"),
    recordsIn: registry.counter(`${p}_records_in_total`, "Messages consumed from the records topic"),
    recordsOut: registry.counter(
      `${p}_records_out_total`,
      "Records written: stage=sink (raw sink rows) or stage=merge (records merged into target tables)",
    ),
    recordsInRate: registry.gauge(`${p}_records_in_per_second`, "Messages consumed per second (10 s window)"),
    recordsOutRate: registry.gauge(
      `${p}_records_out_per_second`,
      "Records written per second per stage (10 s window)",
    ),
    deadLetters: registry.counter(`${p}_dead_letters_total`, "Records sent to the region's DLQ, by reason"),
    dropped: registry.counter(
      `${p}_dropped_total`,
      "Records consumed and deliberately not ingested, by reason",
    ),
    rerouted: registry.counter(
      `${p}_rerouted_total`,
      "Records re-routed to the region their workspace lives in",
    ),
    replicated: registry.counter(
      `${p}_replicated_total`,
      "Records copied to the other data regions of their workspace (a region set)",
    ),
    commitConflicts: registry.counter(
      `${p}_commit_conflicts_total`,
      "Table commits that lost to a concurrent writer and were planned again, by table",
    ),
    commits: registry.counter(`${p}_commits_total`, "Table commits, by stage"),
    batchFailures: registry.counter(
      `${p}_batch_failures_total`,
      "Micro-batches retried after a transient error",
    ),
    freshness: registry.histogram(
      `${p}_freshness_seconds`,
      "Commit time minus record time, per record: stage=sink or stage=merge (target tables)",
      FRESHNESS_BUCKETS,
    ),
    busySeconds: registry.counter(`${p}_busy_seconds_total`, "Seconds spent handling micro-batches"),
    busyRatio: registry.gauge(
      `${p}_busy_ratio`,
      "Share of wall time spent handling micro-batches (10 s window): 1 is saturated",
    ),
  };
  const inWindow = new RateWindow();
  const outWindows = { sink: new RateWindow(), merge: new RateWindow() };
  const busyWindow = new RateWindow();
  return {
    ...m,
    countIn(n, now) {
      m.recordsIn.inc({ region }, n);
      inWindow.add(now, n);
    },
    countOut(stage, n, now) {
      m.recordsOut.inc({ region, stage }, n);
      outWindows[stage].add(now, n);
    },
    countBusy(ms, now) {
      m.busySeconds.inc({ region }, ms / 1000);
      busyWindow.add(now, ms);
    },
    updateRates(now) {
      m.recordsInRate.set({ region }, inWindow.perSecond(now));
      m.busyRatio.set({ region }, Math.min(1, busyWindow.perSecond(now) / 1000));
      for (const stage of ["sink", "merge"] as const)
        m.recordsOutRate.set({ region, stage }, outWindows[stage].perSecond(now));
    },
  };
}
