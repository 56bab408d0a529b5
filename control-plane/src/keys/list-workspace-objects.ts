// Every object of one workspace in a lake, with the key id each is encrypted under (a HeadObject each): the
// files of its partition in every table of every region, and its offloaded payloads. What rotation re-encrypts
// and what crypto-shredding makes unreadable. Objects still referenced or not: an old file kept for time travel
// holds the workspace's rows as much as a live one.
import { regionLayout } from "@facsimile/lake";
import type { ObjectInfo, ObjectStore } from "@facsimile/object-store";
import { joinKey, listLakeTables } from "../erasure/lake-tables.js";
import { workspaceOfObject, workspacePartitionSegment } from "./object-owner.js";

export interface WorkspaceObject {
  readonly key: string;
  readonly size: number;
  /** The key id the store reports, undefined when the object has none. */
  readonly kmsKeyId: string | undefined;
}

export async function listWorkspaceObjects(
  store: ObjectStore,
  workspaceId: string,
  lakeRoot = "",
): Promise<WorkspaceObject[]> {
  const tables = await listLakeTables(store, lakeRoot);
  const regions = [...new Set(tables.map((t) => t.region))];
  const prefixes = [
    ...tables
      .filter((t) => t.name !== "sink")
      .map((t) => `${t.path}/${workspacePartitionSegment(workspaceId)}`),
    ...["offload", ...regions.map((r) => regionLayout.offload(r))].map(
      (p) => `${joinKey(lakeRoot, p)}/${workspaceId}/`,
    ),
  ];
  const out: WorkspaceObject[] = [];
  for (const prefix of prefixes)
    for await (const o of store.list(prefix)) {
      if (workspaceOfObject(o.key) !== workspaceId) continue;
      const head: ObjectInfo | undefined = await store.head(o.key);
      if (head === undefined) continue; // deleted since the listing (a vacuum): nothing to do for it
      out.push({ key: o.key, size: head.size, kmsKeyId: head.kmsKeyId });
    }
  return out;
}
