// Reads a Parquet checkpoint back into actions, and the `_last_checkpoint` hint. Read-only. A bad hint is
// ignored (it is only a hint: the listing finds checkpoints by itself); a bad checkpoint names its version.

import { readFile } from "node:fs/promises";
import { ObjectNotFoundError } from "@facsimile/object-store";
import { isLakeError, LogCorruptError } from "../errors.js";
import { exclusive } from "../io/exclusive.js";
import { localFiles } from "../io/local-files.js";
import { quoteLiteral } from "../io/sql-text.js";
import type { Action } from "./actions.js";
import { checkAction } from "./log-codec.js";
import { checkpointKey, LOG_DIR, lastCheckpointKey } from "./log-paths.js";
import { type Table, tableKey } from "./table.js";

/** The version `_last_checkpoint` points at, or undefined when it is absent or unreadable. */
export async function readLastCheckpoint(table: Table): Promise<number | undefined> {
  try {
    const hint: unknown = JSON.parse(
      new TextDecoder().decode(await table.store.get(lastCheckpointKey(table))),
    );
    const version = (hint as { version?: unknown } | null)?.version;
    return typeof version === "number" && Number.isInteger(version) && version >= 0 ? version : undefined;
  } catch (err) {
    if (err instanceof ObjectNotFoundError || err instanceof SyntaxError) return undefined;
    throw err;
  }
}

/**
 * The actions of the checkpoint of `version`: its files (`keys`, from the listing: the parts of a multi-part
 * checkpoint, or one classic or v2 file; default the classic single file) and, for a v2 checkpoint, the sidecar
 * files its `sidecar` actions name.
 */
export async function readCheckpoint(
  table: Table,
  version: number,
  keys: readonly string[] = [checkpointKey(table, version)],
): Promise<Action[]> {
  const key = keys[0] ?? checkpointKey(table, version);
  try {
    const out: Action[] = [];
    const sidecars: string[] = [];
    for (const k of keys) {
      for (const row of await rowsOf(table, k)) {
        const value = withoutNulls(row.value) as Record<string, unknown>;
        const sidecar = value.sidecar as { path?: unknown } | undefined;
        if (typeof sidecar?.path === "string") {
          sidecars.push(sidecarKey(table, sidecar.path));
          continue;
        }
        const action = checkAction(value, (d) => new Error(`${row.where}: ${d}`));
        if (action !== undefined) out.push(action);
      }
    }
    for (const k of sidecars)
      for (const row of await rowsOf(table, k)) {
        const action = checkAction(withoutNulls(row.value), (d) => new Error(`${row.where}: ${d}`));
        if (action !== undefined) out.push(action);
      }
    return out;
  } catch (err) {
    if (isLakeError(err) && !(err instanceof ObjectNotFoundError)) throw err;
    throw new LogCorruptError(table.url, version, key, `checkpoint cannot be read: ${String(err)}`, {
      cause: err,
    });
  }
}

/** The rows (actions) of one checkpoint file, Parquet or newline-delimited JSON. */
async function rowsOf(table: Table, key: string): Promise<{ value: unknown; where: string }[]> {
  const [path] = await localFiles(table, [key]);
  const name = key.slice(key.lastIndexOf("/") + 1);
  if (key.endsWith(".json")) {
    const text = await readFile(path as string, "utf8");
    return text
      .split("\n")
      .map((line, i) => ({ line: line.trim(), i }))
      .filter(({ line }) => line !== "")
      .map(({ line, i }) => ({ value: JSON.parse(line) as unknown, where: `${name} line ${i + 1}` }));
  }
  const reader = await exclusive(table.duckdb, () =>
    table.duckdb.runAndReadAll(
      `SELECT to_json(t)::VARCHAR AS j FROM read_parquet(${quoteLiteral(path as string)}) t`,
    ),
  );
  return reader
    .getRows()
    .map(([j], i) => ({ value: JSON.parse(String(j)) as unknown, where: `${name} row ${i + 1}` }));
}

/** A sidecar's object key: relative paths are under `_delta_log/_sidecars/`. */
function sidecarKey(table: Table, path: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path))
    return tableKey(table, `${LOG_DIR}/_sidecars/${path.slice(path.lastIndexOf("/") + 1)}`);
  return tableKey(table, `${LOG_DIR}/_sidecars/${decodeURIComponent(path)}`);
}

/** Parquet has no "absent": a null field of an action is a field the action does not have. */
function withoutNulls(row: unknown): unknown {
  if (typeof row !== "object" || row === null) return row;
  return Object.fromEntries(
    Object.entries(row as Record<string, unknown>).map(([kind, body]) => [
      kind,
      typeof body === "object" && body !== null && !Array.isArray(body)
        ? Object.fromEntries(Object.entries(body).filter(([, v]) => v !== null))
        : body,
    ]),
  );
}
