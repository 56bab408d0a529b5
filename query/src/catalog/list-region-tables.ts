// Finds the names of a region's target tables: the folders under `regions/<region>/tables/` whose names are
// valid table names. Reads listings only, never objects; whether a folder holds a Delta table is decided by
// loading its snapshot (load-region-catalog.ts).
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { regionLayout, TABLE_NAME_PATTERN } from "@facsimile/lake";
import { LocalObjectStore, type ObjectStore } from "@facsimile/object-store";

export interface ListRegionTablesOptions {
  /** Stop after this many names (a guard against a runaway listing). */
  readonly maxTables: number;
}

export const LIST_REGION_TABLES_DEFAULTS: Readonly<ListRegionTablesOptions> = Object.freeze({
  maxTables: 1000,
});

/** Table folder names under the region's tables prefix, sorted. */
export async function listRegionTables(
  store: ObjectStore,
  region: string,
  options: Partial<ListRegionTablesOptions> = {},
): Promise<string[]> {
  const { maxTables } = { ...LIST_REGION_TABLES_DEFAULTS, ...options };
  const prefix = `${regionLayout.tables(region)}/`;
  if (store instanceof LocalObjectStore) {
    const entries = await readdir(join(store.root, prefix), { withFileTypes: true }).catch(() => []);
    return entries
      .filter((e) => e.isDirectory() && TABLE_NAME_PATTERN.test(e.name))
      .map((e) => e.name)
      .sort()
      .slice(0, maxTables);
  }
  // Remote stores list keys, not folders: take the first key, note its folder, and list again from just past
  // that folder ("<name>0" sorts after every "<name>/..." key since '0' follows '/'), one request per table.
  const names: string[] = [];
  let startAfter: string | undefined;
  while (names.length < maxTables) {
    let next: string | undefined;
    for await (const o of store.list(prefix, startAfter === undefined ? {} : { startAfter })) {
      next = o.key.slice(prefix.length).split("/")[0];
      break;
    }
    if (next === undefined) break;
    if (TABLE_NAME_PATTERN.test(next)) names.push(next);
    startAfter = `${prefix}${next}0`;
  }
  return names;
}
