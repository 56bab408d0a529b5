// The one retry helper: runs an operation again after retriable failures, with exponential backoff, until a time
// budget is spent (or the caller stops it). It reads only the error's `retriable` flag; a non-retriable error
// ends it at once.
import { isRetriable } from "../errors/facsimile-error.js";

export interface RetryOptions {
  /** Total time for all attempts; no new attempt starts after it. Infinity retries until `stop` says so. */
  readonly budgetMs: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  /** Randomise each wait within [wait/2, wait] so that many retriers do not retry in step. */
  readonly jitter: boolean;
  readonly clock: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Checked after each retriable failure: true ends the retries (RetryExhausted with `stopped` set). */
  readonly stop: () => boolean;
  /** Called after each retriable failure, before the wait. */
  readonly onRetry: (err: unknown, attempt: number, backoffMs: number) => void;
}

export const DEFAULT_RETRY_OPTIONS: Readonly<RetryOptions> = Object.freeze({
  budgetMs: 30_000,
  initialBackoffMs: 100,
  maxBackoffMs: 2_000,
  jitter: true,
  clock: Date.now,
  sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
  stop: () => false,
  onRetry: () => {},
});

/** Thrown when the operation failed for good; `attempts` says how many were made. */
export class RetryExhausted {
  constructor(
    readonly cause: unknown,
    readonly attempts: number,
    /** True when `stop` ended the retries rather than the error or the budget. */
    readonly stopped = false,
  ) {}
}

export async function retryWithinBudget<T>(
  operation: (attempt: number) => Promise<T>,
  options: Partial<RetryOptions> = {},
): Promise<T> {
  const o = { ...DEFAULT_RETRY_OPTIONS, ...options };
  const deadline = o.clock() + o.budgetMs;
  let backoff = o.initialBackoffMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (err) {
      const wait = Math.min(backoff, o.maxBackoffMs);
      if (!isRetriable(err) || o.clock() + wait > deadline) throw new RetryExhausted(err, attempt);
      if (o.stop()) throw new RetryExhausted(err, attempt, true);
      o.onRetry(err, attempt, wait);
      await o.sleep(o.jitter ? wait * (0.5 + Math.random() / 2) : wait);
      backoff = Math.min(backoff * 2, o.maxBackoffMs);
    }
  }
}
