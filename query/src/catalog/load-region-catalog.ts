// A region's catalog: every target table under `regions/<region>/tables/` with its latest snapshot, loaded
// through the lake's reader. One table whose log cannot be read is set aside (`unreadable`, with the reason for
// operators); the others stay queryable. Read-only: it never writes to the lake, and holds no analyst SQL.
import { stat } from "node:fs/promises";
import type { DuckDBConnection } from "@duckdb/node-api";
import {
  loadSnapshot,
  openTable,
  REGION_PATTERN,
  regionLayout,
  type Snapshot,
  type Table,
  TableNotFoundError,
} from "@facsimile/lake";
import { LocalObjectStore, type ObjectStore } from "@facsimile/object-store";
import { QueryArgumentError } from "../errors.js";
import { listRegionTables } from "./list-region-tables.js";

export interface CatalogTable {
  /** The table's name in the region, and the name analysts query it by. */
  readonly name: string;
  readonly table: Table;
  readonly snapshot: Snapshot;
}

export interface RegionCatalog {
  readonly region: string;
  /** The lake's URL, for operators' messages only (never shown to analysts). */
  readonly lake: string;
  /** Sorted by name. */
  readonly tables: readonly CatalogTable[];
  /** Tables whose log could not be read, and why (operators' information: the reason may name lake paths). */
  readonly unreadable: readonly { readonly name: string; readonly reason: string }[];
}

export interface CatalogOptions {
  /** Copies of remote data files are kept here (immutable files: a copy never goes stale). */
  readonly cacheDir: string;
  /** Scratch space the lake's table handle asks for; the catalog never writes. */
  readonly scratchDir: string;
  /** Only these tables (default: every table of the region). */
  readonly tables: readonly string[] | undefined;
}

export async function loadRegionCatalog(
  store: ObjectStore,
  region: string,
  duckdb: DuckDBConnection,
  options: Pick<CatalogOptions, "cacheDir" | "scratchDir"> & Partial<CatalogOptions>,
): Promise<RegionCatalog> {
  if (!REGION_PATTERN.test(region))
    throw new QueryArgumentError(
      "INVALID_ARGUMENT",
      `invalid region ${JSON.stringify(region)}: expected lowercase letters, digits and dashes (e.g. eu-west-1)`,
      { region },
    );
  if (store instanceof LocalObjectStore && !(await isDirectory(store.root)))
    throw new QueryArgumentError(
      "LAKE_NOT_FOUND",
      "the lake folder does not exist: check --lake (or $FACSIMILE_LAKE); the ingest worker creates it",
      { lake: store.url },
    );
  const names = options.tables ?? (await listRegionTables(store, region));
  const tables: CatalogTable[] = [];
  const unreadable: { name: string; reason: string }[] = [];
  for (const name of [...names].sort()) {
    const table = openTable(store, regionLayout.table(region, name), duckdb, {
      cacheDir: options.cacheDir,
      scratchDir: options.scratchDir,
    });
    try {
      tables.push({ name, table, snapshot: await loadSnapshot(table) });
    } catch (err) {
      // A folder without a Delta log is not a table (yet): a writer may be creating it.
      if (err instanceof TableNotFoundError) continue;
      // Store trouble is not the table's fault: the whole session fails and may be retried.
      if ((err as { retriable?: unknown }).retriable === true) throw err;
      unreadable.push({ name, reason: err instanceof Error ? err.message : String(err) });
    }
  }
  if (tables.length === 0 && unreadable.length === 0)
    throw new QueryArgumentError(
      "REGION_NOT_FOUND",
      `region ${JSON.stringify(region)} has no tables in this lake: check the region name`,
      { region },
    );
  return { region, lake: store.url, tables, unreadable };
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}
