// THE commit path: the only code that creates commit files in `_delta_log/` (and, through write-checkpoint.ts,
// checkpoints). A commit is a put-if-absent of the next version's file. On a lost race it reads the winners,
// checks for logical conflicts (files removed by both, the same txn appId, a metadata change, a change in a
// partition our plan read) and either places the same actions at the next free version or throws
// CommitConflictError. It never overwrites a commit file and never writes a data file.
import { randomUUID } from "node:crypto";
import { ObjectExistsError } from "@facsimile/object-store";
import { CommitConflictError, isLakeError, type LakeError } from "../errors.js";
import { icebergEnabled, writeIcebergMetadata } from "../iceberg/write-iceberg-metadata.js";
import type { Action, CommitInfoAction } from "./actions.js";
import { findConflict, type ReadSet } from "./conflict.js";
import { loadSnapshot } from "./load-snapshot.js";
import { encodeCommit } from "./log-codec.js";
import { commitKey } from "./log-paths.js";
import { type PartitionTypes, partitionTypesOf } from "./partition-values.js";
import { listLog, readCommit } from "./read-log.js";
import type { Table } from "./table.js";
import { writeCheckpoint } from "./write-checkpoint.js";

export interface CommitOptions {
  /** commitInfo.operation: "CREATE TABLE", "WRITE", "MERGE", ... */
  readonly operation: string;
  readonly operationParameters: Readonly<Record<string, unknown>>;
  /** What the actions were computed from; see ReadSet. Default: nothing (a blind append). */
  readonly read: ReadSet;
  /** Lost races (without a logical conflict) tolerated before giving up. Default: the table's commitMaxAttempts. */
  readonly maxAttempts: number | undefined;
  /** Extra commitInfo fields (engine metrics, the writer kind). */
  readonly info: CommitInfoAction;
  /** The table's partition columns, for the conflict check (read from the log when not given). */
  readonly partitionColumns: readonly string[] | undefined;
  /** Their types, so the conflict check compares partition values as values (read from the log when not given). */
  readonly partitionTypes: PartitionTypes | undefined;
  /** Keep the Iceberg metadata in step after this commit (the table has ICEBERG_PROPERTY set). */
  readonly icebergMetadata: boolean | undefined;
}

export const COMMIT_DEFAULTS: Readonly<CommitOptions> = Object.freeze({
  operation: "WRITE",
  operationParameters: {},
  read: { partitions: [] },
  maxAttempts: undefined,
  info: {},
  partitionColumns: undefined,
  partitionTypes: undefined,
  icebergMetadata: undefined,
});

export interface CommitResult {
  readonly version: number;
  /** 1 when the first put won. */
  readonly attempts: number;
  /** The checkpoint written after this commit, if its version called for one. */
  readonly checkpoint?: number;
  /** The checkpoint failed; the commit itself stands (a checkpoint only restates the log). */
  readonly checkpointError?: unknown;
}

/**
 * Commits `actions` on top of `readVersion` (the snapshot they were planned from; -1 to create the table).
 * Returns the version it landed at.
 */
export async function commit(
  table: Table,
  readVersion: number,
  actions: readonly Action[],
  options: Partial<CommitOptions> = {},
): Promise<CommitResult> {
  const opts = { ...COMMIT_DEFAULTS, ...options };
  const maxAttempts = opts.maxAttempts ?? table.options.commitMaxAttempts;
  const commitId = randomUUID();
  const blind = opts.read.partitions !== "all" && opts.read.partitions.length === 0;
  let base = readVersion;
  let partitionColumns = opts.partitionColumns ?? partitionColumnsOf(actions);
  let partitionTypes = opts.partitionTypes;
  const iceberg =
    opts.icebergMetadata ?? actions.some((a) => "metaData" in a && icebergEnabled({ metadata: a.metaData }));
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const version = base + 1;
    const info: Action = {
      commitInfo: {
        timestamp: Date.now(),
        operation: opts.operation,
        operationParameters: opts.operationParameters,
        readVersion: readVersion < 0 ? undefined : readVersion,
        isBlindAppend: blind && actions.every((a) => !("remove" in a)),
        engineInfo: "facsimile-lake",
        txnId: commitId,
        ...opts.info,
      },
    };
    const body = encodeCommit([info, ...actions]);
    const key = commitKey(table, version);
    const placed = await place(table, key, body);
    if (placed) return finish(table, version, attempt, iceberg);
    // Lost the race for `version`: check every commit that won since our read version.
    if (partitionColumns === undefined || partitionTypes === undefined) {
      const snapshot = await loadSnapshot(table, { version });
      partitionColumns ??= snapshot.partitionColumns;
      partitionTypes = partitionTypesOf(snapshot.schema, partitionColumns);
    }
    const listing = await listLog(table, version);
    let latest = version;
    for (const v of listing.commits.keys()) latest = Math.max(latest, v);
    for (let v = version; v <= latest; v++) {
      const conflict = findConflict(
        actions,
        opts.read,
        await readCommit(table, v),
        partitionColumns,
        partitionTypes,
      );
      if (conflict !== undefined)
        throw new CommitConflictError(table.url, conflict.reason, `${conflict.detail} (version ${v})`, {
          readVersion,
          conflictingVersion: v,
          attempt,
        });
    }
    base = latest;
  }
  throw new CommitConflictError(table.url, "attempts-exhausted", `lost the race ${maxAttempts} times`, {
    readVersion,
    attempts: maxAttempts,
  });
}

/** Put-if-absent of a commit file. True when ours is there, false when another writer's is. */
async function place(table: Table, key: string, body: Uint8Array): Promise<boolean> {
  const kms = table.options.logKmsKeyId === undefined ? {} : { kmsKeyId: table.options.logKmsKeyId };
  try {
    await table.store.putIfAbsent(key, body, { ...kms, contentType: "application/json" });
    return true;
  } catch (err) {
    if (err instanceof ObjectExistsError) return false;
    // The outcome is unknown (a timeout after the write landed?): the file's content says who won.
    // Absent or unreadable: nothing is known to be committed, so the put's own error stands.
    const existing = await table.store.get(key).catch(() => undefined);
    if (existing === undefined) throw err;
    return sameBytes(existing, body);
  }
}

async function finish(
  table: Table,
  version: number,
  attempts: number,
  iceberg: boolean,
): Promise<CommitResult> {
  const checkpoint = version !== 0 && version % table.options.checkpointInterval === 0;
  let result: CommitResult = { version, attempts };
  if (!checkpoint && !iceberg) return result;
  try {
    const snapshot = await loadSnapshot(table, { version });
    if (checkpoint) {
      await writeCheckpoint(table, snapshot);
      result = { ...result, checkpoint: version };
    }
    // Iceberg metadata beside the log, kept in step with every commit (see write-iceberg-metadata.ts).
    if (icebergEnabled(snapshot)) await writeIcebergMetadata(table, snapshot);
    return result;
  } catch (err) {
    return { ...result, checkpointError: isLakeError(err) ? (err as LakeError) : err };
  }
}

function partitionColumnsOf(actions: readonly Action[]): readonly string[] | undefined {
  for (const a of actions) if ("metaData" in a) return a.metaData.partitionColumns;
  return undefined;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
