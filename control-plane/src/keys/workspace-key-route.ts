// BYOK routing from the directory: an object of a workspace is encrypted under that workspace's key id (its
// directory entry), every other object under the platform key. Plugged into the object store (kmsKeyRoute), so
// every writer is covered without knowing about keys: ingest's merges and folds, compaction, migration copies,
// erasure rewrites, offloads. The directory view is read synchronously (it caches; no I/O per put).
import type { KmsKeyRoute } from "@facsimile/object-store";
import { workspaceOfObject } from "./object-owner.js";

export interface WorkspaceKeyRouteOptions {
  /** Key id of objects that mix workspaces (sink, logs, checkpoints), and of workspaces without their own key. */
  readonly platformKeyId: string | undefined;
}

export const DEFAULT_WORKSPACE_KEY_ROUTE_OPTIONS: Readonly<WorkspaceKeyRouteOptions> = Object.freeze({
  platformKeyId: undefined,
});

/** Anything that answers a workspace's key id (the directory view, the ingest directory). */
export interface KeyDirectory {
  kmsKeyIdOf?(workspaceId: string): string | undefined;
}

export function workspaceKeyRoute(
  directory: KeyDirectory,
  options: Partial<WorkspaceKeyRouteOptions> = {},
): KmsKeyRoute {
  const { platformKeyId } = { ...DEFAULT_WORKSPACE_KEY_ROUTE_OPTIONS, ...options };
  return (key, requested) => {
    const workspace = workspaceOfObject(key);
    if (workspace === undefined) return requested ?? platformKeyId;
    return directory.kmsKeyIdOf?.(workspace) ?? platformKeyId;
  };
}
