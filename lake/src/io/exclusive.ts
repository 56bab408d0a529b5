// One lake operation at a time per DuckDB connection: a connection runs one statement at a time, and a lake
// operation is a sequence of statements over its own temp tables. Re-entrant within one async call chain, so an
// operation may call another on the same connection; it must never run two statements of its own in parallel.
import { AsyncLocalStorage } from "node:async_hooks";

const held = new AsyncLocalStorage<ReadonlySet<object>>();
const tails = new WeakMap<object, Promise<void>>();

export async function exclusive<T>(connection: object, fn: () => Promise<T>): Promise<T> {
  const mine = held.getStore();
  if (mine?.has(connection)) return fn();
  const previous = tails.get(connection) ?? Promise.resolve();
  let release: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    release = resolve;
  });
  const tail = previous.then(() => done);
  tails.set(connection, tail);
  await previous;
  try {
    return await held.run(new Set([...(mine ?? []), connection]), fn);
  } finally {
    release();
    if (tails.get(connection) === tail) tails.delete(connection);
  }
}
