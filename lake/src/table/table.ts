// A table handle: where a Delta table lives (an object store and a key prefix) and the DuckDB connection that
// reads and writes its Parquet. A plain value with no state: it never caches a snapshot and never writes.

import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { isIntegerInRange } from "@facsimile/core";
import type { ObjectStore } from "@facsimile/object-store";
import { InvalidTableConfigError } from "../errors.js";

export interface TableOptions {
  /** Local directory where DuckDB writes Parquet before it is uploaded to the store. */
  readonly scratchDir: string;
  /** Local directory holding copies of remote data files (data files are immutable, so copies never go stale). */
  readonly cacheDir: string;
  /** Write a Parquet checkpoint after every commit whose version is a multiple of this. */
  readonly checkpointInterval: number;
  /** How many times one commit is placed again after losing a race without a logical conflict. */
  readonly commitMaxAttempts: number;
  /** Removed files stay in checkpoints (for vacuum and readers of older versions) this long, in ms. */
  readonly tombstoneRetentionMs: number;
  /** KMS key id for the log and checkpoint objects (data files take their partition's key from the writer). */
  readonly logKmsKeyId: string | undefined;
}

export const TABLE_DEFAULTS: Readonly<TableOptions> = Object.freeze({
  scratchDir: join(tmpdir(), "facsimile-lake", "scratch"),
  cacheDir: join(tmpdir(), "facsimile-lake", "cache"),
  checkpointInterval: 10,
  commitMaxAttempts: 100,
  tombstoneRetentionMs: 7 * 24 * 3600 * 1000,
  logKmsKeyId: undefined,
});

export interface Table {
  readonly store: ObjectStore;
  /** Key prefix of the table in the store, "/"-separated, no leading or trailing slash ("" = the store root). */
  readonly path: string;
  /** For messages: the store URL joined with the path. */
  readonly url: string;
  /** One connection, used by one lake operation at a time (see exclusive()). */
  readonly duckdb: DuckDBConnection;
  readonly options: TableOptions;
}

/** A handle on the table at `path` in `store`; nothing is read or created until an operation runs. */
export function openTable(
  store: ObjectStore,
  path: string,
  duckdb: DuckDBConnection,
  options: Partial<TableOptions> = {},
): Table {
  const clean = path.replace(/^\/+|\/+$/g, "");
  if (clean.split("/").some((s) => s === "." || s === ".." || (s === "" && clean !== "")))
    throw new InvalidTableConfigError(
      `${store.url}/${path}`,
      "the table path has empty, '.' or '..' segments",
      {
        path,
      },
    );
  const url = clean === "" ? store.url : `${store.url.replace(/\/+$/, "")}/${clean}`;
  const merged = { ...TABLE_DEFAULTS, ...options };
  if (!isIntegerInRange(merged.checkpointInterval, { min: 1 }))
    throw new InvalidTableConfigError(
      url,
      `checkpointInterval must be a positive integer, got ${merged.checkpointInterval}`,
    );
  return Object.freeze({ store, path: clean, url, duckdb, options: Object.freeze(merged) });
}

/** The store key of a path relative to the table root. */
export function tableKey(table: Table, relative: string): string {
  return table.path === "" ? relative : `${table.path}/${relative}`;
}
