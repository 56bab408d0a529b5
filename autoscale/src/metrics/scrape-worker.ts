// GETs a worker's /metrics and reduces it (worker-metrics.ts). A worker that does not answer within the timeout
// is a typed, retriable error: the caller skips it this round.
import { AutoscaleError } from "../errors.js";
import { parsePrometheus } from "./parse-prometheus.js";
import { type WorkerMetrics, workerMetrics } from "./worker-metrics.js";

export async function scrapeWorker(id: string, url: string, timeoutMs = 2_000): Promise<WorkerMetrics> {
  let text: string;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    text = await res.text();
  } catch (err) {
    throw new AutoscaleError("AUTOSCALE_METRICS", `scraping ${url} failed: ${String(err)}`, {
      retriable: true,
      cause: err,
      context: { url, worker: id },
    });
  }
  return workerMetrics(id, parsePrometheus(text, url));
}
