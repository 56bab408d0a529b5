// The per-worker rate the autoscale simulation models, measured on our own worker rather than assumed: one
// `facsimile ingest` worker (embedded bus and lake in a temporary folder, production batch settings) works off a
// backlog of a generated workload while its Prometheus metrics are scraped every 500 ms, exactly as the autoscaler
// reads them; each scrape gives the true rate the controller would estimate (records in per second over the busy
// ratio, trueWorkerRate), and the median of those taken while the worker was busy is the measured rate. The
// cumulative records_in_total / busy_seconds_total is printed beside it as a cross-check.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parsePrometheus, trueWorkerRate, workerMetrics } from "@facsimile/autoscale";
import { createLocalTransport, createRegionTopics } from "@facsimile/bus";
import { createIngestWorker } from "@facsimile/ingest";
import { generateWorkload, publishWorkload, untilCaughtUp } from "@facsimile/ingest/testing";
import { LocalObjectStore } from "@facsimile/object-store";
import { loadDefaultRegistry } from "@facsimile/schemas";
import { compileModels } from "@facsimile/transforms";

export interface MeasuredWorkerRate {
  /** Median of the controller's true-rate estimates while the worker was busy, records/s. */
  readonly recordsPerSecond: number;
  /** records_in_total / busy_seconds_total at the end. */
  readonly cumulativePerSecond: number;
  readonly records: number;
  readonly samples: number;
}

export async function measureWorkerRate(
  workload: { workspaces: number; issues: number } = { workspaces: 40, issues: 60 },
): Promise<MeasuredWorkerRate> {
  const dir = await mkdtemp(join(tmpdir(), "facsimile-worker-rate-"));
  const transport = createLocalTransport({ directory: join(dir, "bus"), fsync: false });
  const store = new LocalObjectStore(join(dir, "lake"), { durable: false });
  const registry = loadDefaultRegistry();
  try {
    await createRegionTopics(transport, "eu", { partitions: 4 });
    const w = generateWorkload(registry, store, {
      seed: 15,
      workspaces: workload.workspaces,
      issuesPerWorkspace: workload.issues,
      largeShare: 0,
    });
    await publishWorkload(transport, store, "eu", w);
    const { models } = await compileModels(registry);
    const worker = createIngestWorker({ region: "eu", transport, store, registry, models });
    const rates: number[] = [];
    const scrape = () => workerMetrics("w", parsePrometheus(worker.metrics.registry.render()));
    const timer = setInterval(() => {
      const rate = trueWorkerRate([scrape()], 0.2);
      if (rate !== undefined) rates.push(rate);
    }, 500);
    try {
      await worker.start();
      await untilCaughtUp(worker, { timeoutMs: 600_000 });
    } finally {
      clearInterval(timer);
      await worker.stop();
    }
    const end = parsePrometheus(worker.metrics.registry.render());
    const busySeconds = end
      .filter((s) => s.name === "facsimile_ingest_busy_seconds_total")
      .reduce((a, s) => a + s.value, 0);
    const recordsIn = workerMetrics("w", end).recordsIn;
    const cumulative = busySeconds > 0 ? recordsIn / busySeconds : 0;
    const sorted = [...rates].sort((a, b) => a - b);
    const median = sorted.length === 0 ? cumulative : (sorted[Math.floor(sorted.length / 2)] as number);
    return {
      recordsPerSecond: Math.round(median),
      cumulativePerSecond: Math.round(cumulative),
      records: recordsIn,
      samples: rates.length,
    };
  } finally {
    await transport.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}
