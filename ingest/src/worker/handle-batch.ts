// The consumer's onBatch: one micro-batch through processBatch (retried with backoff while the failure is
// retriable and the worker is not stopping), then the Kafka offsets, then backpressure: the consumer does not run
// more than maxMergeLagVersions sink versions ahead of the merge. A stopping worker abandons the batch
// uncommitted (it is delivered again). Nothing else commits offsets.
import {
  type ConsumedBatch,
  type GroupConsumer,
  isTransportError,
  type Logger,
  NotPartitionOwnerError,
} from "@facsimile/bus";
import type { IngestMetrics } from "../metrics/ingest-metrics.js";
import type { MergeLoop } from "./merge-loop.js";
import { type ProcessBatchDeps, processBatch } from "./process-batch.js";

export interface BatchHandlerDeps {
  readonly batch: ProcessBatchDeps;
  readonly metrics: IngestMetrics;
  readonly logger: Logger;
  readonly clock: () => number;
  readonly mergeLoop: () => MergeLoop | undefined;
  readonly stopping: () => boolean;
  /** Told when a batch starts (true) and ends (false), and when one was committed. */
  readonly onState: (event: "started" | "ended" | "committed") => void;
}

export interface BatchHandlerOptions {
  readonly retryInitialMs: number;
  readonly retryMaxMs: number;
  readonly maxMergeLagVersions: number;
}

export function createBatchHandler(
  deps: BatchHandlerDeps,
  o: BatchHandlerOptions,
): (batch: ConsumedBatch, consumer: GroupConsumer) => Promise<void> {
  const { metrics, logger } = deps;
  const region = deps.batch.region;
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
  return async (batch, consumer) => {
    if (deps.stopping()) return;
    deps.onState("started");
    try {
      metrics.countIn(batch.messages.length, deps.clock());
      let backoff = o.retryInitialMs;
      for (;;) {
        try {
          await processBatch(deps.batch, batch);
          break;
        } catch (err) {
          if ((err as { retriable?: unknown }).retriable !== true) throw err;
          metrics.batchFailures.inc({ region, stage: "append" });
          logger.warn("micro-batch failed; retrying it", { region, error: String(err), backoffMs: backoff });
          if (deps.stopping()) return;
          await sleep(backoff);
          if (deps.stopping()) return;
          backoff = Math.min(backoff * 2, o.retryMaxMs);
        }
      }
      // Offsets only after the sink commit; a lost partition's new owner skips what the sink holds.
      try {
        await consumer.commit(batch.nextOffsets);
      } catch (err) {
        if (!(err instanceof NotPartitionOwnerError) && !isTransportError(err)) throw err;
        logger.warn("offset commit failed after the sink commit; the sink's txn covers a replay", {
          region,
          error: String(err),
        });
      }
      deps.onState("committed");
    } finally {
      deps.onState("ended");
    }
    for (;;) {
      const merge = deps.mergeLoop();
      if (merge === undefined || deps.stopping()) break;
      if (merge.head - merge.mergedThrough() <= o.maxMergeLagVersions) break;
      await merge.progress();
    }
  };
}
