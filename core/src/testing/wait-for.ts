// The one polling helper for tests and benchmarks: waits until `condition` holds, or throws naming what it
// waited for (and, when given, the state at the deadline).

export interface WaitForOptions {
  /** Give up after this long; default 30 s. */
  readonly timeoutMs: number;
  /** Pause between checks; default 20 ms. */
  readonly intervalMs: number;
  /** Extra words for the timeout message, e.g. the worker's progress at the deadline. */
  readonly describe?: () => string;
}

export const DEFAULT_WAIT_FOR_OPTIONS: Readonly<WaitForOptions> = Object.freeze({
  timeoutMs: 30_000,
  intervalMs: 20,
});

export async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  options: Partial<WaitForOptions> = {},
): Promise<void> {
  const o = { ...DEFAULT_WAIT_FOR_OPTIONS, ...options };
  const deadline = Date.now() + o.timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      const detail = o.describe === undefined ? "" : `: ${o.describe()}`;
      throw new Error(`timed out after ${o.timeoutMs} ms waiting for ${what}${detail}`);
    }
    await new Promise((r) => setTimeout(r, o.intervalMs));
  }
}
