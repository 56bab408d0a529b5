// Reads a Parquet checkpoint back into actions, and the `_last_checkpoint` hint. Read-only. A bad hint is
// ignored (it is only a hint: the listing finds checkpoints by itself); a bad checkpoint names its version.

import { ObjectNotFoundError } from "@facsimile/object-store";
import { isLakeError, LogCorruptError } from "../errors.js";
import { exclusive } from "../io/exclusive.js";
import { localFiles } from "../io/local-files.js";
import { quoteLiteral } from "../io/sql-text.js";
import type { Action } from "./actions.js";
import { checkAction } from "./log-codec.js";
import { checkpointKey, lastCheckpointKey } from "./log-paths.js";
import type { Table } from "./table.js";

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

export async function readCheckpoint(table: Table, version: number): Promise<Action[]> {
  const key = checkpointKey(table, version);
  try {
    const [path] = await localFiles(table, [key]);
    const reader = await exclusive(table.duckdb, () =>
      table.duckdb.runAndReadAll(
        `SELECT to_json(t)::VARCHAR AS j FROM read_parquet(${quoteLiteral(path as string)}) t`,
      ),
    );
    const out: Action[] = [];
    let row = 0;
    for (const [j] of reader.getRows()) {
      row++;
      const action = checkAction(withoutNulls(JSON.parse(String(j))), (d) => new Error(`row ${row}: ${d}`));
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
