// A cross-process exclusive lock on one machine: a lock file created with O_EXCL holding the owner's pid.
// A lock whose pid no longer runs is stale and is broken. Within one process callers serialize on an in-memory
// queue first (see withFileLock), so the file only arbitrates between processes. Never use it across machines.
import { open, readFile, rename, stat, unlink } from "node:fs/promises";
import { TransportError } from "../../errors.js";

export interface FileLockOptions {
  /** Give up (retriable TransportError) after waiting this long. */
  readonly timeoutMs: number;
}

export const DEFAULT_FILE_LOCK_OPTIONS: Readonly<FileLockOptions> = Object.freeze({ timeoutMs: 10_000 });

/** An owner writes its pid microseconds after creating the file: an empty lock older than this was left by a kill. */
const EMPTY_LOCK_GRACE_MS = 2_000;

const queues = new Map<string, Promise<unknown>>();

function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function isProcessAlive(pid: number): boolean {
  return pidAlive(pid);
}

async function acquire(path: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let wait = 1;
  for (;;) {
    try {
      const handle = await open(path, "wx");
      await handle.writeFile(String(process.pid));
      await handle.close();
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const owner = Number.parseInt(await readFile(path, "utf8").catch(() => ""), 10);
    // Our own pid cannot hold it: in-process callers are serialized before touching the file, so it is a
    // leftover of a killed process whose pid we reuse. Empty content: the owner is between open and write,
    // unless the file is older than that takes (its owner was killed in between).
    const stale = Number.isFinite(owner)
      ? owner === process.pid || !pidAlive(owner)
      : await emptyLockAbandoned(path);
    if (stale) {
      // rename is atomic: of two processes breaking the same stale lock, only one succeeds.
      const aside = `${path}.stale-${process.pid}-${Math.random().toString(36).slice(2)}`;
      if (
        await rename(path, aside).then(
          () => true,
          () => false,
        )
      )
        await unlink(aside).catch(() => undefined);
      continue;
    }
    if (Date.now() > deadline) {
      throw new TransportError("LOCK_TIMEOUT", `lock ${path} held by pid ${owner} for over ${timeoutMs} ms`, {
        retriable: true,
        context: { path, owner, timeoutMs },
      });
    }
    await new Promise((r) => setTimeout(r, wait));
    wait = Math.min(wait * 2, 50);
  }
}

async function emptyLockAbandoned(path: string): Promise<boolean> {
  const info = await stat(path).catch(() => undefined);
  return info !== undefined && Date.now() - info.mtimeMs > EMPTY_LOCK_GRACE_MS;
}

/** Runs `fn` holding the lock file `path`: exclusive among this process's callers and other processes. */
export async function withFileLock<T>(
  path: string,
  fn: () => Promise<T>,
  options: Partial<FileLockOptions> = {},
): Promise<T> {
  const { timeoutMs } = { ...DEFAULT_FILE_LOCK_OPTIONS, ...options };
  const previous = queues.get(path) ?? Promise.resolve();
  const run = previous.then(
    () => locked(path, fn, timeoutMs),
    () => locked(path, fn, timeoutMs),
  );
  const tail = run.catch(() => undefined);
  queues.set(path, tail);
  try {
    return await run;
  } finally {
    if (queues.get(path) === tail) queues.delete(path);
  }
}

async function locked<T>(path: string, fn: () => Promise<T>, timeoutMs: number): Promise<T> {
  await acquire(path, timeoutMs);
  try {
    return await fn();
  } finally {
    await unlink(path).catch(() => undefined);
  }
}
