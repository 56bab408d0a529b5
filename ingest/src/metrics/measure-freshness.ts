// Where freshness is measured: for every record a commit made visible, the commit time minus the record's time
// (its bus message timestamp), in seconds, into the freshness histogram of its stage: "sink" when the raw sink
// commit lands, "merge" when the target tables' commit does. Clock skew never makes it negative.
import type { IngestMetrics } from "./ingest-metrics.js";

export function measureFreshness(
  metrics: Pick<IngestMetrics, "freshness">,
  region: string,
  stage: "sink" | "merge",
  committedAt: number,
  recordTimes: Iterable<number>,
): void {
  // One labels object for the whole commit: the histogram finds its series once, not once per record.
  const labels = { region, stage };
  for (const t of recordTimes) metrics.freshness.observe(labels, Math.max(0, committedAt - t) / 1000);
}
