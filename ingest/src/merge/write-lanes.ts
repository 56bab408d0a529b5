// A small work queue for the merge round: `lanes` workers take items as they are pushed, so target writes start
// while later entities are still being transformed. No I/O of its own.

/**
 * `lanes` workers taking items as they are pushed. After the first failure nothing more starts; close() waits for
 * the running items and returns that failure.
 */
export function writeLanes<T>(
  lanes: number,
  work: (item: T) => Promise<void>,
): { push(item: T): void; failed(): boolean; close(): Promise<unknown> } {
  const queue: T[] = [];
  const waiting: (() => void)[] = [];
  let closed = false;
  let failure: unknown;
  let failedOnce = false;
  const lane = async (): Promise<void> => {
    for (;;) {
      if (failedOnce) return;
      const item = queue.shift();
      if (item === undefined) {
        if (closed) return;
        await new Promise<void>((resolve) => waiting.push(resolve));
        continue;
      }
      try {
        await work(item);
      } catch (err) {
        if (!failedOnce) failure = err;
        failedOnce = true;
      }
    }
  };
  const running = Array.from({ length: Math.max(1, lanes) }, lane);
  return {
    push(item) {
      queue.push(item);
      waiting.shift()?.();
    },
    failed: () => failedOnce,
    async close() {
      closed = true;
      for (const w of waiting.splice(0)) w();
      await Promise.all(running);
      return failure;
    },
  };
}
