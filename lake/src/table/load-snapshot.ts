// Loads a snapshot from the log: the newest checkpoint at or before the wanted version (found from the
// `_last_checkpoint` hint and a listing), then every commit after it, which must all be there. Time travel by
// version or by timestamp. Read-only: it never repairs or writes the log.
import { isIntegerInRange } from "@facsimile/core";
import {
  LogCorruptError,
  LogVersionMissingError,
  TableNotFoundError,
  VersionNotFoundError,
} from "../errors.js";
import type { Action } from "./actions.js";
import { commitKey } from "./log-paths.js";
import { readCheckpoint, readLastCheckpoint } from "./read-checkpoint.js";
import { commitTimestamp, type LogListing, listLog, mapLimited, readCommit } from "./read-log.js";
import { type Snapshot, SnapshotBuilder } from "./snapshot.js";
import type { Table } from "./table.js";

export interface SnapshotOptions {
  /** Read the table as of this version. */
  readonly version?: number;
  /** Read the table as of this instant: the latest version committed at or before it. */
  readonly timestamp?: number | Date;
}

const READ_CONCURRENCY = 8;

export async function loadSnapshot(table: Table, options: SnapshotOptions = {}): Promise<Snapshot> {
  if (options.version !== undefined && options.timestamp !== undefined)
    throw new VersionNotFoundError(table.url, "give a version or a timestamp, not both");
  const wanted =
    options.timestamp === undefined ? options.version : await versionAtTimestamp(table, options.timestamp);
  if (wanted !== undefined && !isIntegerInRange(wanted, { min: 0 }))
    throw new VersionNotFoundError(table.url, `version ${wanted} is not a non-negative integer`, {
      version: wanted,
    });
  const hint = await readLastCheckpoint(table);
  const from = hint !== undefined && (wanted === undefined || hint <= wanted) ? hint : 0;
  let listing = await listLog(table, from);
  if (from > 0 && pickCheckpoint(listing, wanted) === undefined) listing = await listLog(table, 0);
  return replay(table, listing, wanted);
}

/** True when the table has a log (version 0 or a checkpoint). */
export async function tableExists(table: Table): Promise<boolean> {
  const listing = await listLog(table, 0);
  return listing.commits.size > 0 || listing.checkpoints.length > 0;
}

function latestVersion(listing: LogListing): number | undefined {
  let latest: number | undefined;
  for (const v of listing.commits.keys()) if (latest === undefined || v > latest) latest = v;
  for (const v of listing.checkpoints) if (latest === undefined || v > latest) latest = v;
  return latest;
}

function pickCheckpoint(listing: LogListing, wanted: number | undefined): number | undefined {
  let best: number | undefined;
  for (const v of listing.checkpoints)
    if ((wanted === undefined || v <= wanted) && (best === undefined || v > best)) best = v;
  return best;
}

async function replay(table: Table, listing: LogListing, wanted: number | undefined): Promise<Snapshot> {
  const latest = latestVersion(listing);
  if (latest === undefined) throw new TableNotFoundError(table.url);
  const target = wanted ?? latest;
  if (target > latest)
    throw new VersionNotFoundError(table.url, `version ${target} does not exist; the latest is ${latest}`, {
      version: target,
      latest,
    });
  const checkpoint = pickCheckpoint(listing, target);
  const first = checkpoint === undefined ? 0 : checkpoint + 1;
  const versions: number[] = [];
  for (let v = first; v <= target; v++) {
    if (!listing.commits.has(v))
      throw new LogVersionMissingError(
        table.url,
        v,
        commitKey(table, v),
        checkpoint === undefined
          ? `replaying from version 0 to ${target}`
          : `replaying from checkpoint ${checkpoint} to ${target}`,
      );
    versions.push(v);
  }
  const builder = new SnapshotBuilder(table.url);
  if (checkpoint !== undefined) {
    let actions: Action[];
    try {
      actions = await readCheckpoint(table, checkpoint, listing.checkpointFiles.get(checkpoint));
    } catch (err) {
      // A checkpoint is only a shortcut: when it is damaged (a writer killed mid-upload, a truncated copy) and
      // the commits it summarizes are still there, replay those instead. Without them the error stands.
      if (!(err instanceof LogCorruptError)) throw err;
      const full = await listLog(table, 0);
      for (let v = 0; v <= checkpoint; v++) if (!full.commits.has(v)) throw err;
      const checkpoints = full.checkpoints.filter((c) => c < checkpoint);
      return replay(table, { ...full, checkpoints }, wanted);
    }
    builder.apply(actions);
  }
  const commits = await mapLimited(versions, READ_CONCURRENCY, (v) => readCommit(table, v));
  let timestamp = listing.commits.get(target)?.lastModified ?? 0;
  commits.forEach((actions: Action[], i) => {
    builder.apply(actions);
    const v = versions[i] as number;
    if (v === target) timestamp = commitTimestamp(actions, listing.commits.get(v)?.lastModified ?? 0);
  });
  return builder.build(target, timestamp);
}

/**
 * The latest version committed at or before `at`. Commit times are commitInfo.timestamp (file modification
 * times are coarse on S3 and change on copies), made monotonic as Delta does: a commit is never earlier than
 * the one before it plus 1 ms.
 */
export async function versionAtTimestamp(table: Table, at: number | Date): Promise<number> {
  const t = typeof at === "number" ? at : at.getTime();
  const listing = await listLog(table, 0);
  const versions = [...listing.commits.keys()].sort((a, b) => a - b);
  if (versions.length === 0) throw new TableNotFoundError(table.url);
  const stamps = await mapLimited(versions, READ_CONCURRENCY, async (v) =>
    commitTimestamp(await readCommit(table, v), listing.commits.get(v)?.lastModified ?? 0),
  );
  let found: number | undefined;
  let previous = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < versions.length; i++) {
    const ts = Math.max(stamps[i] as number, previous + 1);
    previous = ts;
    if (ts <= t) found = versions[i];
    else break;
  }
  if (found === undefined)
    throw new VersionNotFoundError(
      table.url,
      `no version was committed at or before ${new Date(t).toISOString()}; the first commit is at ${new Date(stamps[0] as number).toISOString()}`,
      { timestamp: t },
    );
  return found;
}
