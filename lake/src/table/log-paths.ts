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
  | {
      readonly kind: "checkpoint";
      readonly version: number;
      readonly key: string;
      /** Multi-part checkpoints: this file's part (1-based) and the number of parts; 1 of 1 otherwise. */
      readonly part: number;
      readonly parts: number;
    };

const COMMIT_RE = /^(\d{20})\.json$/;
const CHECKPOINT_RE = /^(\d{20})\.checkpoint\.parquet$/;
const MULTI_PART_RE = /^(\d{20})\.checkpoint\.(\d{10})\.(\d{10})\.parquet$/;
/** A v2 checkpoint named by a UUID (its actions may point at sidecar files). */
const V2_RE = /^(\d{20})\.checkpoint\.[0-9a-fA-F-]{36}\.(?:json|parquet)$/;

/** What a key in the log directory is: a commit, a checkpoint (single, multi-part or v2), or something we skip. */
export function parseLogKey(table: Table, key: string, lastModified: number): LogEntry | undefined {
  const prefix = logPrefix(table);
  if (!key.startsWith(prefix)) return undefined;
  const name = key.slice(prefix.length);
  const commit = COMMIT_RE.exec(name);
  if (commit?.[1] !== undefined) return { kind: "commit", version: Number(commit[1]), key, lastModified };
  const checkpoint = CHECKPOINT_RE.exec(name);
  const v2 = checkpoint ?? V2_RE.exec(name);
  if (v2?.[1] !== undefined) return { kind: "checkpoint", version: Number(v2[1]), key, part: 1, parts: 1 };
  const multi = MULTI_PART_RE.exec(name);
  if (multi?.[1] !== undefined && multi[2] !== undefined && multi[3] !== undefined)
    return {
      kind: "checkpoint",
      version: Number(multi[1]),
      key,
      part: Number(multi[2]),
      parts: Number(multi[3]),
    };
  return undefined;
}
