// Where an offloaded payload lives: `<prefix>/<workspace-id>/<sha[0..2]>/<sha256>` in the object store (per
// workspace, so that deleting a workspace can delete its objects), and the pointer URI a record carries: the
// store's URL and the key. The producer writes there; the record decoder resolves pointers back to keys.
import type { ObjectStore } from "@facsimile/object-store";

export const OFFLOAD_CONTENT_TYPE = "application/x-protobuf";

export interface OffloadedPayload {
  readonly uri: string;
  readonly key: string;
  readonly sha256: string;
  readonly sizeBytes: number;
}

export function offloadKey(prefix: string, workspaceId: string, sha256: string): string {
  return `${prefix}/${workspaceId}/${sha256.slice(0, 2)}/${sha256}`;
}

/** The pointer URI of a key: the store's URL and the key. */
export function offloadUri(store: ObjectStore, key: string): string {
  return `${store.url.replace(/\/+$/, "")}/${key}`;
}

/** The key of a pointer URI inside `store`, or undefined when the URI points elsewhere. */
export function keyOfOffloadUri(store: ObjectStore, uri: string): string | undefined {
  const base = `${store.url.replace(/\/+$/, "")}/`;
  return uri.startsWith(base) && uri.length > base.length ? uri.slice(base.length) : undefined;
}
