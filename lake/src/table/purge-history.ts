// Cuts a table's history at one version, for erasure: writes the checkpoint of `version` (which restates only the
// live files) and deletes every commit file and checkpoint below it, so no older version can be loaded any more
// (time travel to it fails with VersionNotFoundError instead of returning erased rows) and no older log entry
// keeps the stats of erased files. Deleting the erased data files themselves is the caller's (it knows which).
// It writes no commit: the log keeps its one commit path; a checkpoint only restates committed state.
import { evictLocalCopies } from "../io/local-files.js";
import { loadSnapshot } from "./load-snapshot.js";
import { logPrefix, parseLogKey } from "./log-paths.js";
import type { Table } from "./table.js";
import { writeCheckpoint } from "./write-checkpoint.js";

export interface PurgeHistoryResult {
  /** The oldest version that can still be loaded. */
  readonly version: number;
  /** Log objects deleted (commits and checkpoints below `version`). */
  readonly deletedLogObjects: number;
  readonly deletedBytes: number;
}

/** Keeps versions >= `version` (default: the latest) loadable and deletes the log below it. */
export async function purgeHistory(table: Table, version?: number): Promise<PurgeHistoryResult> {
  const snapshot = await loadSnapshot(table, version === undefined ? {} : { version });
  await writeCheckpoint(table, snapshot);
  const prefix = logPrefix(table);
  let deletedLogObjects = 0;
  const deleted: string[] = [];
  let deletedBytes = 0;
  for await (const o of table.store.list(prefix, { delimiter: "/" })) {
    const entry = parseLogKey(table, o.key, o.lastModified);
    if (entry === undefined || entry.version >= snapshot.version) continue;
    await table.store.delete(o.key);
    deleted.push(o.key);
    deletedLogObjects++;
    deletedBytes += o.size;
  }
  await evictLocalCopies(table, deleted);
  return { version: snapshot.version, deletedLogObjects, deletedBytes };
}
