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
import { RetryExhausted, retryWithinBudget } from "@facsimile/core";
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
  return async (batch, consumer) => {
    if (deps.stopping()) return;
    deps.onState("started");
    try {
      metrics.countIn(batch.messages.length, deps.clock());
      try {
        const done = await retryWithinBudget(
          async (attempt) => {
            if (attempt > 1 && deps.stopping()) return false;
            await processBatch(deps.batch, batch);
            return true;
          },
          {
            budgetMs: Number.POSITIVE_INFINITY,
            initialBackoffMs: o.retryInitialMs,
            maxBackoffMs: o.retryMaxMs,
            jitter: false,
            stop: deps.stopping,
            onRetry: (err, _attempt, backoffMs) => {
              metrics.batchFailures.inc({ region, stage: "append" });
              logger.warn("micro-batch failed; retrying it", { region, error: String(err), backoffMs });
            },
          },
        );
        if (!done) return;
      } catch (err) {
        if (err instanceof RetryExhausted) {
          if (err.stopped) return;
          throw err.cause;
        }
        throw err;
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
