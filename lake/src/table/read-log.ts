// Reading the log: listing its entries and reading one commit file. Read-only; errors name the version.

import { ObjectNotFoundError } from "@facsimile/object-store";
import { isLakeError, LogCorruptError, LogVersionMissingError } from "../errors.js";
import type { Action } from "./actions.js";
import { decodeCommit } from "./log-codec.js";
import { commitKey, type LogEntry, logPrefix, padVersion, parseLogKey } from "./log-paths.js";
import type { Table } from "./table.js";

export interface LogListing {
  /** Commit entries by version. */
  readonly commits: ReadonlyMap<number, LogEntry & { kind: "commit" }>;
  /** Versions that have a complete checkpoint, ascending. */
  readonly checkpoints: readonly number[];
  /** The files of each complete checkpoint (the parts of a multi-part one, in order; else one file). */
  readonly checkpointFiles: ReadonlyMap<number, readonly string[]>;
}

/** Commits and checkpoints at or after `fromVersion`. */
export async function listLog(table: Table, fromVersion = 0): Promise<LogListing> {
  const prefix = logPrefix(table);
  const commits = new Map<number, LogEntry & { kind: "commit" }>();
  // version -> candidate checkpoints: one per single/v2 file, one per part count for multi-part ones.
  const found = new Map<number, Map<string, (string | undefined)[]>>();
  const options =
    fromVersion > 0
      ? { startAfter: `${prefix}${padVersion(fromVersion - 1)}.zzz`, delimiter: "/" as const }
      : { delimiter: "/" as const };
  for await (const info of table.store.list(prefix, options)) {
    const entry = parseLogKey(table, info.key, info.lastModified);
    if (entry === undefined || entry.version < fromVersion) continue;
    if (entry.kind === "commit") commits.set(entry.version, entry);
    else {
      const byVersion = found.get(entry.version) ?? new Map<string, (string | undefined)[]>();
      found.set(entry.version, byVersion);
      const id = entry.parts === 1 ? entry.key : `parts:${entry.parts}`;
      const keys = byVersion.get(id) ?? Array.from({ length: entry.parts }, () => undefined);
      keys[entry.part - 1] = entry.key;
      byVersion.set(id, keys);
    }
  }
  const checkpointFiles = new Map<number, readonly string[]>();
  for (const [version, candidates] of found) {
    // A classic single file first, then a complete multi-part set, then a v2 one.
    const complete = [...candidates.values()].filter((k): k is string[] => k.every((x) => x !== undefined));
    complete.sort((a, b) => rank(a) - rank(b));
    if (complete[0] !== undefined) checkpointFiles.set(version, complete[0]);
  }
  const checkpoints = [...checkpointFiles.keys()].sort((a, b) => a - b);
  return { commits, checkpoints, checkpointFiles };
}

function rank(keys: readonly string[]): number {
  if (keys.length > 1) return 1;
  return (keys[0] ?? "").endsWith(".checkpoint.parquet") ? 0 : 2;
}

/** The actions of commit `version`; a missing file is LogVersionMissingError, a bad one LogCorruptError. */
export async function readCommit(table: Table, version: number): Promise<Action[]> {
  const key = commitKey(table, version);
  let body: Uint8Array;
  try {
    body = await table.store.get(key);
  } catch (err) {
    if (err instanceof ObjectNotFoundError)
      throw new LogVersionMissingError(table.url, version, key, "the commit file is absent");
    if (isLakeError(err)) throw err;
    throw new LogCorruptError(table.url, version, key, `cannot be read: ${String(err)}`, { cause: err });
  }
  return decodeCommit(body, { table: table.url, version, key });
}

/** The commit timestamp of a decoded commit: commitInfo.timestamp, else `fallback` (the file's mtime). */
export function commitTimestamp(actions: readonly Action[], fallback: number): number {
  for (const a of actions)
    if ("commitInfo" in a && typeof a.commitInfo.timestamp === "number") return a.commitInfo.timestamp;
  return fallback;
}

/** Runs `fn` over `items` with at most `limit` in flight; results in input order. */
export async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
