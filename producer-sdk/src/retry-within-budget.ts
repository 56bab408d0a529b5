// Runs an operation again after retriable failures, with exponential backoff, until a time budget is spent.
// It reads only the error's `retriable` flag; a non-retriable error ends it at once.
import { isRetriable } from "./errors.js";

export interface RetryOptions {
  /** Total time for all attempts; no new attempt starts after it. */
  readonly budgetMs: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly clock: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY_OPTIONS: Readonly<RetryOptions> = Object.freeze({
  budgetMs: 30_000,
  initialBackoffMs: 100,
  maxBackoffMs: 2_000,
  clock: Date.now,
  sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
});

/** Thrown when the operation failed for good; `attempts` says how many were made. */
export class RetryExhausted {
  constructor(
    readonly cause: unknown,
    readonly attempts: number,
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
      await o.sleep(wait * (0.5 + Math.random() / 2));
      backoff *= 2;
    }
  }
}
