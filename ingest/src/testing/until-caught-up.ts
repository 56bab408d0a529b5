// Waits until an ingest worker has merged everything its consumer has seen (caughtUp()), for tests and benches;
// the timeout message carries the worker's progress at the deadline.
import { waitFor } from "@facsimile/core/testing";
import type { IngestWorker } from "../worker/create-ingest-worker.js";

export interface UntilCaughtUpOptions {
  /** Give up after this long; default 60 s. */
  readonly timeoutMs: number;
  /** Pause between checks; default 100 ms. */
  readonly intervalMs: number;
}

export const DEFAULT_UNTIL_CAUGHT_UP_OPTIONS: Readonly<UntilCaughtUpOptions> = Object.freeze({
  timeoutMs: 60_000,
  intervalMs: 100,
});

export function untilCaughtUp(
  worker: IngestWorker,
  options: Partial<UntilCaughtUpOptions> = {},
): Promise<void> {
  const o = { ...DEFAULT_UNTIL_CAUGHT_UP_OPTIONS, ...options };
  return waitFor("the ingest worker to catch up", () => worker.caughtUp(), {
    ...o,
    describe: () => JSON.stringify(worker.progress()),
  });
}
