// The tables of a lake root, found by listing it: per region, the raw sink and every target table (a folder with
// a `_delta_log/`). Keys only; the caller opens them.
import { regionLayout } from "@facsimile/lake";
import type { ObjectStore } from "@facsimile/object-store";

export interface LakeTable {
  readonly region: string;
  /** "sink" for the raw sink, else the target table's name. */
  readonly name: string;
  /** Key prefix of the table in the store. */
  readonly path: string;
}

export function joinKey(root: string, path: string): string {
  const clean = root.replace(/^\/+|\/+$/g, "");
  return clean === "" ? path : `${clean}/${path}`;
}

/** Every table under `<root>/regions/`, sorted by region then name (the sink first). */
export async function listLakeTables(
  store: ObjectStore,
  root: string,
  regions?: readonly string[],
): Promise<LakeTable[]> {
  const prefix = joinKey(root, "regions/");
  const found = new Map<string, LakeTable>();
  for await (const o of store.list(prefix)) {
    const rel = o.key.slice(prefix.length);
    const m = /^([^/]+)\/(?:(sink\/records)|tables\/([^/]+))\/_delta_log\//.exec(rel);
    if (m === null) continue;
    const region = m[1] as string;
    if (regions !== undefined && !regions.includes(region)) continue;
    const name = m[2] !== undefined ? "sink" : (m[3] as string);
    const path = joinKey(
      root,
      name === "sink" ? regionLayout.sink(region) : regionLayout.table(region, name),
    );
    found.set(path, { region, name, path });
  }
  return [...found.values()].sort((a, b) =>
    a.region !== b.region
      ? a.region < b.region
        ? -1
        : 1
      : a.name === "sink"
        ? -1
        : b.name === "sink"
          ? 1
          : a.name < b.name
            ? -1
            : 1,
  );
}
