// Names of the objects in `_delta_log/`: zero-padded commit files, single-part checkpoints, the checkpoint hint.
// Pure functions; nothing here reads or writes.
import { type Table, tableKey } from "./table.js";

export const LOG_DIR = "_delta_log";
export const LAST_CHECKPOINT = "_last_checkpoint";

export function padVersion(version: number): string {
  return version.toString().padStart(20, "0");
}

export function logPrefix(table: Table): string {
  return tableKey(table, `${LOG_DIR}/`);
}

export function commitKey(table: Table, version: number): string {
  return tableKey(table, `${LOG_DIR}/${padVersion(version)}.json`);
}

export function checkpointKey(table: Table, version: number): string {
  return tableKey(table, `${LOG_DIR}/${padVersion(version)}.checkpoint.parquet`);
}

export function lastCheckpointKey(table: Table): string {
  return tableKey(table, `${LOG_DIR}/${LAST_CHECKPOINT}`);
}

export type LogEntry =
  | { readonly kind: "commit"; readonly version: number; readonly key: string; readonly lastModified: number }
  | { readonly kind: "checkpoint"; readonly version: number; readonly key: string };

const COMMIT_RE = /^(\d{20})\.json$/;
const CHECKPOINT_RE = /^(\d{20})\.checkpoint\.parquet$/;

/** What a key in the log directory is: a commit, a single-part checkpoint, or something we skip (undefined). */
export function parseLogKey(table: Table, key: string, lastModified: number): LogEntry | undefined {
  const prefix = logPrefix(table);
  if (!key.startsWith(prefix)) return undefined;
  const name = key.slice(prefix.length);
  const commit = COMMIT_RE.exec(name);
  if (commit?.[1] !== undefined) return { kind: "commit", version: Number(commit[1]), key, lastModified };
  const checkpoint = CHECKPOINT_RE.exec(name);
  if (checkpoint?.[1] !== undefined) return { kind: "checkpoint", version: Number(checkpoint[1]), key };
  return undefined;
}
