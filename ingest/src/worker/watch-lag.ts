// Consumer lag per owned partition (high watermark minus the group's committed offset), refreshed on an interval,
// with the per-second rate gauges. Reads offsets only; a failed read is logged and tried again next tick.
import type { GroupConsumer, Logger, Transport } from "@facsimile/bus";
import type { IngestMetrics } from "../metrics/ingest-metrics.js";

export interface WatchLagDeps {
  readonly transport: Transport;
  readonly groupId: string;
  readonly topic: string;
  readonly consumer: GroupConsumer;
  readonly metrics: IngestMetrics;
  readonly region: string;
  readonly logger: Logger;
}

/** Starts watching; returns the function that stops it. */
export function watchLag(deps: WatchLagDeps, intervalMs: number): () => void {
  let busy = false;
  const tick = async (): Promise<void> => {
    if (busy) return;
    busy = true;
    try {
      deps.metrics.updateRates(Date.now());
      const owned = new Set(
        deps.consumer
          .assignment()
          .filter((tp) => tp.topic === deps.topic)
          .map((tp) => tp.partition),
      );
      const [high, committed] = await Promise.all([
        deps.transport.latestOffsets(deps.topic),
        deps.transport.committedOffsets(deps.groupId, deps.topic),
      ]);
      const at = new Map(committed.map((c) => [c.partition, c.offset]));
      deps.metrics.lag.clear();
      for (const h of high) {
        if (!owned.has(h.partition)) continue;
        const lag = h.offset - (at.get(h.partition) ?? 0n);
        deps.metrics.lag.set(
          { region: deps.region, topic: deps.topic, partition: String(h.partition) },
          Number(lag > 0n ? lag : 0n),
        );
      }
    } catch (err) {
      deps.logger.warn("reading consumer lag failed", { error: String(err) });
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  void tick();
  return () => clearInterval(timer);
}
