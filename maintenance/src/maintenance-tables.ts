// The tables one maintenance run covers: every table of a region (the raw sink and each target table), or one
// of them by name ("sink" names the raw sink; a name the region lacks is an error). Found by listing the lake.
import { type LakeTable, listLakeTables } from "@facsimile/control-plane";
import type { ObjectStore } from "@facsimile/object-store";
import { MaintenanceTableNotFoundError } from "./errors.js";

export async function maintenanceTables(
  store: ObjectStore,
  lakeRoot: string,
  region: string,
  table?: string,
): Promise<LakeTable[]> {
  const all = await listLakeTables(store, lakeRoot, [region]);
  // A region with no tables yet (nothing ingested) has nothing to maintain; a named table must exist.
  if (table === undefined) return all;
  const picked = all.filter((t) => t.name === table);
  if (picked.length === 0)
    throw new MaintenanceTableNotFoundError(
      region,
      table,
      all.map((t) => t.name),
    );
  return picked;
}
