// Readers: a table (as of a version or a timestamp) as SQL over its snapshot's files, a temp view, or rows.
// Remote files are copied to the local cache first. Read-only.

import { loadSnapshot, type SnapshotOptions } from "../table/load-snapshot.js";
import type { Snapshot } from "../table/snapshot.js";
import type { Table } from "../table/table.js";
import { exclusive } from "./exclusive.js";
import { scanFiles } from "./scan-files.js";
import type { ScanFile } from "./scan-sql.js";
import { quoteIdent } from "./sql-text.js";

export interface TableScan {
  readonly snapshot: Snapshot;
  readonly files: readonly ScanFile[];
  /** A SELECT giving the snapshot's rows in schema order; valid on the table's DuckDB connection. */
  readonly sql: string;
}

export interface ScanOptions extends SnapshotOptions {
  /** Scan this snapshot instead of loading one. */
  readonly snapshot?: Snapshot;
}

export async function readTable(table: Table, options: ScanOptions = {}): Promise<TableScan> {
  const snapshot = options.snapshot ?? (await loadSnapshot(table, options));
  const { files, sql } = await scanFiles(table, snapshot, [...snapshot.files.values()]);
  return { snapshot, files, sql };
}

/** (Re)creates a temp view named `name` over the table as of the given version, timestamp or latest. */
export async function createTableView(
  table: Table,
  name: string,
  options: ScanOptions = {},
): Promise<TableScan> {
  const scan = await readTable(table, options);
  await exclusive(table.duckdb, () =>
    table.duckdb.run(`CREATE OR REPLACE TEMP VIEW ${quoteIdent(name)} AS ${scan.sql}`),
  );
  return scan;
}

export interface ReadRowsOptions extends ScanOptions {
  /** SQL ORDER BY list, e.g. `"id", "child"`; default: unordered. */
  readonly orderBy?: string;
}

/** The table's rows as JSON-safe objects (BIGINT as string, timestamps as text): for tests and small tables. */
export async function readRows(
  table: Table,
  options: ReadRowsOptions = {},
): Promise<Record<string, unknown>[]> {
  const scan = await readTable(table, options);
  const order = options.orderBy === undefined ? "" : ` ORDER BY ${options.orderBy}`;
  const reader = await exclusive(table.duckdb, () =>
    table.duckdb.runAndReadAll(`SELECT * FROM (${scan.sql}) AS __fx_rows${order}`),
  );
  return reader.getRowObjectsJson() as Record<string, unknown>[];
}
