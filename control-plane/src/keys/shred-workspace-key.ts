// `facsimile control shred-key`: crypto-shredding of a workspace: its key is destroyed, so every object of it
// (table files, old versions kept for time travel, offloads, copies in backups) becomes unreadable at once,
// while every other workspace reads on. As a plan then steps:
// 1. plan: the workspace's key id; refused when another workspace or the platform uses the same key (they would
//    be shredded too), or when some of the workspace's objects are not under it (they would stay readable:
//    rotate-key first).
// 2. registry: the directory records the workspace ERASED (audited), so every writer drops its records from now
//    on instead of failing on a destroyed key.
// 3. settle: wait for the workers' cached views to follow.
// 4. destroy: the key service destroys the key (local keystore: material erased; AWS KMS: disabled now, deleted
//    after the pending window).
// 5. evict: this host's decrypted cache copies of the workspace's files are dropped.
// The ciphertext stays where it is (vacuum and erasure may remove it later); reading it fails with
// KmsKeyUnavailableError.
import type { DuckDBConnection } from "@duckdb/node-api";
import { evictLocalCopies, openTable, TABLE_DEFAULTS } from "@facsimile/lake";
import type { KeyInfo, KeyService, ObjectStore } from "@facsimile/object-store";
import type { DirectoryView } from "../directory/directory-view.js";
import { updateWorkspace } from "../directory/update-workspace.js";
import { WorkspaceKeyError, WorkspaceNotFoundError } from "../errors.js";
import { listWorkspaceObjects } from "./list-workspace-objects.js";

export interface KeyShredDeps {
  readonly view: DirectoryView;
  readonly store: ObjectStore;
  readonly keys: KeyService;
  readonly lakeRoot?: string;
  /** For dropping this host's decrypted cache copies; without it nothing is evicted. */
  readonly duckdb?: DuckDBConnection;
  /**
   * The cache folders readers use on this host (the lake's, the query engine's): decrypted copies of the
   * workspace's files there are dropped. Default: the lake's TABLE_DEFAULTS.cacheDir.
   */
  readonly cacheDirs?: readonly string[];
  /** The platform key: never shredded through a workspace. */
  readonly platformKeyId?: string;
  readonly onProgress?: (message: string) => void;
  readonly clock?: () => number;
}

export interface KeyShredOptions {
  readonly actor: string;
  readonly reason: string;
  readonly settleMs: number;
}

export const DEFAULT_KEY_SHRED_OPTIONS: Readonly<KeyShredOptions> = Object.freeze({
  actor: "facsimile control shred-key",
  reason: "crypto-shredding",
  settleMs: 2_500,
});

export interface KeyShredPlan {
  readonly workspaceId: string;
  readonly keyId: string;
  readonly keyState: string;
  /** Objects of the workspace, all under keyId. */
  readonly objects: number;
  readonly bytes: number;
  readonly objectKeys: readonly string[];
}

export interface KeyShredResult {
  readonly plan: KeyShredPlan;
  readonly key: KeyInfo;
  /** Cache entries dropped (objects x cache folders; absent copies count too). */
  readonly cacheCopiesEvicted: number;
}

export async function planKeyShred(deps: KeyShredDeps, workspaceId: string): Promise<KeyShredPlan> {
  await deps.view.refresh();
  const entry = deps.view.get(workspaceId);
  if (entry === undefined) throw new WorkspaceNotFoundError(workspaceId);
  const keyId = entry.keyId;
  const refuse = (
    code: "KEY_SHRED_REFUSED",
    message: string,
    context: Record<string, unknown> = {},
  ): never => {
    throw new WorkspaceKeyError(code, message, { workspaceId, keyId, ...context });
  };
  if (keyId === undefined)
    return refuse(
      "KEY_SHRED_REFUSED",
      `workspace ${workspaceId} has no key of its own (its objects are under the platform key): rotate-key to one first`,
    );
  if (keyId === deps.platformKeyId)
    return refuse(
      "KEY_SHRED_REFUSED",
      `workspace ${workspaceId} uses the platform key ${keyId}: not shredding it`,
    );
  const sharing = deps.view
    .list()
    .filter((e) => e.workspaceId !== workspaceId && e.keyId === keyId && e.state !== "ERASED")
    .map((e) => e.workspaceId);
  if (sharing.length > 0)
    return refuse(
      "KEY_SHRED_REFUSED",
      `key ${keyId} of ${workspaceId} is also the key of ${sharing.join(", ")}: shredding it would shred them too; ` +
        "rotate one of them to its own key first",
      { sharing },
    );
  const key = await deps.keys.describeKey(keyId);
  if (key === undefined)
    return refuse("KEY_SHRED_REFUSED", `key ${keyId} of ${workspaceId} is unknown to ${deps.keys.url}`);
  const objects = await listWorkspaceObjects(deps.store, workspaceId, deps.lakeRoot);
  const elsewhere = objects.filter((o) => o.kmsKeyId !== keyId);
  if (elsewhere.length > 0)
    return refuse(
      "KEY_SHRED_REFUSED",
      `${elsewhere.length} object(s) of ${workspaceId} are not under its key ${keyId} (e.g. ${elsewhere[0]?.key}, ` +
        `under ${elsewhere[0]?.kmsKeyId ?? "no key"}) and would stay readable: rotate-key --to ${keyId} first`,
      { notUnderKey: elsewhere.length },
    );
  return Object.freeze({
    workspaceId,
    keyId,
    keyState: key.state,
    objects: objects.length,
    bytes: objects.reduce((n, o) => n + o.size, 0),
    objectKeys: objects.map((o) => o.key),
  });
}

export async function shredWorkspaceKey(
  deps: KeyShredDeps,
  plan: KeyShredPlan,
  options: Partial<KeyShredOptions> = {},
): Promise<KeyShredResult> {
  const o = { ...DEFAULT_KEY_SHRED_OPTIONS, ...options };
  const { workspaceId, keyId } = plan;
  await updateWorkspace(
    deps.view,
    workspaceId,
    "shred-key",
    {
      actor: o.actor,
      reason: `${o.reason}: key ${keyId} destroyed, ${plan.objects} object(s) made unreadable`,
    },
    (current) => {
      if (current === undefined) throw new WorkspaceNotFoundError(workspaceId);
      return current.state === "ERASED" ? undefined : { ...current, state: "ERASED" };
    },
    deps.clock,
  );
  deps.onProgress?.(`directory: ${workspaceId} is ERASED; writers drop its records`);
  if (o.settleMs > 0) await new Promise((r) => setTimeout(r, o.settleMs));
  const key = await deps.keys.destroyKey(keyId);
  deps.onProgress?.(`key ${keyId} at ${deps.keys.url}: ${key.state}`);
  let evicted = 0;
  if (deps.duckdb !== undefined)
    for (const cacheDir of deps.cacheDirs ?? [TABLE_DEFAULTS.cacheDir]) {
      // One table handle serves every key: eviction only needs the store and the cache folder.
      await evictLocalCopies(openTable(deps.store, "", deps.duckdb, { cacheDir }), plan.objectKeys);
      evicted += plan.objectKeys.length;
    }
  return { plan, key, cacheCopiesEvicted: evicted };
}
