// At most N sessions at once (each is a DuckDB with its own memory limit and threads), with a bounded queue
// behind them; beyond the queue, callers are turned away at once instead of piling up.

export class ConcurrencyLimit {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly maxRunning: number,
    private readonly maxWaiting: number,
  ) {}

  /** Runs `fn` when a slot is free; undefined (without running it) when the queue is full. */
  async run<T>(fn: () => Promise<T>): Promise<{ value: T } | undefined> {
    if (this.running >= this.maxRunning) {
      if (this.waiting.length >= this.maxWaiting) return undefined;
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return { value: await fn() };
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next caller; only when nobody waits is it given back.
      if (next === undefined) this.running--;
      else next();
    }
  }
}
