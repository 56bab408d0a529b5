// A one-off call of the worker (a transport or store request outside the batch and merge loops, which retry on
// their own) retried through core's one retry helper while its failures are retriable (a leader moving right
// after topic creation, a broker restarting, a throttled store), within a budget; the last error when the budget
// is spent or the error is not retriable. A stopping worker stops retrying.
import { RetryExhausted, retryWithinBudget } from "@facsimile/core";

export interface RetryTransientOptions {
  readonly budgetMs: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly stop: () => boolean;
  readonly onRetry: (err: unknown, attempt: number, backoffMs: number) => void;
}

export async function retryTransient<T>(
  operation: () => Promise<T>,
  options: RetryTransientOptions,
): Promise<T> {
  try {
    return await retryWithinBudget(operation, { ...options, jitter: true });
  } catch (err) {
    throw err instanceof RetryExhausted ? err.cause : err;
  }
}
