// Offloaded payloads follow their workspace: the producer writes a large payload to `regions/<r>/offload/W/…` of
// the region it publishes to (content-addressed: the key ends in the payload's sha256), and a record in flight
// keeps pointing there. Before a region's copy of W is deleted, every object of W there is copied to the regions
// W lives in now, under the same relative key, so a late pointer at the old region resolves in the new one (ingest
// looks a missing pointer up in its own region's offloads, and checks size and sha256 either way). Idempotent: an
// object the target already holds is skipped (same key = same content).
import { regionLayout } from "@facsimile/lake";
import type { ObjectStore } from "@facsimile/object-store";
import { OFFLOAD_CONTENT_TYPE } from "@facsimile/protocol";
import { joinKey } from "../erasure/lake-tables.js";

export interface OffloadCopyResult {
  readonly objects: number;
  readonly bytes: number;
  /** Objects the target already held. */
  readonly skipped: number;
}

/** The key prefix of W's offloads in a region. */
export function workspaceOffloadPrefix(lakeRoot: string, region: string, workspaceId: string): string {
  return `${joinKey(lakeRoot, regionLayout.offload(region))}/${workspaceId}/`;
}

/** Copies every offloaded payload of W in `from` to `to` (those `to` lacks). */
export async function copyOffloads(
  store: ObjectStore,
  lakeRoot: string,
  workspaceId: string,
  from: string,
  to: string,
): Promise<OffloadCopyResult> {
  const source = workspaceOffloadPrefix(lakeRoot, from, workspaceId);
  const target = workspaceOffloadPrefix(lakeRoot, to, workspaceId);
  let objects = 0;
  let bytes = 0;
  let skipped = 0;
  if (source === target) return { objects, bytes, skipped };
  for await (const o of store.list(source)) {
    const key = `${target}${o.key.slice(source.length)}`;
    if ((await store.head(key)) !== undefined) {
      skipped++;
      continue;
    }
    const body = await store.get(o.key);
    // The store picks the key (BYOK: its kmsKeyRoute names W's key for `…/offload/W/…`).
    await store.put(key, body, { contentType: OFFLOAD_CONTENT_TYPE });
    objects++;
    bytes += body.length;
  }
  return { objects, bytes, skipped };
}
