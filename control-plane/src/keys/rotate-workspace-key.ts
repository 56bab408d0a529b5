// `facsimile control rotate-key`: re-encrypts every object of a workspace under a new key id, as a plan then
// steps:
// 1. switch: the directory's key id becomes the target (audited), so every writer routes new objects to it.
// 2. settle: wait for the workers' cached views to follow (a refresh interval or two).
// 3. re-encrypt: each object not under the target yet is read and written back under it (the same bytes).
// 4. verify: list again; objects a lagging writer put under the old key since are re-encrypted too, in rounds,
//    until none is left (else it fails naming how many are left, and a re-run finishes).
// 5. done: an audited directory event with what was re-encrypted.
// The old key is left as it is: destroying it is a separate, deliberate step (shred-key on a key no workspace
// uses). Data files are immutable and offloads content-addressed, so writing back the same bytes races with no
// writer. Stores that re-encrypt in place (rekey: S3's server-side copy, the local store) never bring back a file
// a vacuum deleted meanwhile; with others it comes back as an unreferenced orphan, which the next vacuum removes.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KeyService, ObjectStore } from "@facsimile/object-store";
import type { DirectoryView } from "../directory/directory-view.js";
import { updateWorkspace } from "../directory/update-workspace.js";
import { WorkspaceKeyError, WorkspaceNotFoundError, WorkspaceStateError } from "../errors.js";
import { listWorkspaceObjects, type WorkspaceObject } from "./list-workspace-objects.js";

export interface KeyRotationDeps {
  readonly view: DirectoryView;
  readonly store: ObjectStore;
  /** Checks that the target key exists and is enabled; without it the store's first write is the check. */
  readonly keys?: KeyService;
  readonly lakeRoot?: string;
  /** Called after the switch and after each object; awaited. */
  readonly onProgress?: (message: string, done: number, total: number) => void | Promise<void>;
  readonly clock?: () => number;
}

export interface KeyRotationOptions {
  readonly actor: string;
  readonly reason: string;
  /** How long to wait after the switch for workers' cached views to follow. */
  readonly settleMs: number;
  /** Re-encrypt-and-list rounds before giving up on stragglers a lagging writer keeps adding. */
  readonly maxRounds: number;
}

export const DEFAULT_KEY_ROTATION_OPTIONS: Readonly<KeyRotationOptions> = Object.freeze({
  actor: "facsimile control rotate-key",
  reason: "key rotation",
  settleMs: 2_500,
  maxRounds: 4,
});

export interface KeyRotationPlan {
  readonly workspaceId: string;
  /** The directory's key id now (undefined: the platform key). */
  readonly from: string | undefined;
  readonly to: string;
  /** Every object of the workspace. */
  readonly objects: number;
  readonly bytes: number;
  /** Objects not under the target key yet. */
  readonly toReencrypt: readonly WorkspaceObject[];
  /** Key ids in use now, with their object counts ("(none)" for objects without one). */
  readonly keysInUse: Readonly<Record<string, number>>;
}

export interface KeyRotationResult {
  readonly plan: KeyRotationPlan;
  readonly reencrypted: number;
  readonly bytesReencrypted: number;
  readonly rounds: number;
  /** Objects of the workspace after the rotation, every one under the target key. */
  readonly objectsAfter: number;
}

/** The plan: nothing changes. Refuses a workspace being migrated or erased, and a target key that is not usable. */
export async function planKeyRotation(
  deps: KeyRotationDeps,
  workspaceId: string,
  to: string,
): Promise<KeyRotationPlan> {
  await deps.view.refresh();
  const entry = deps.view.get(workspaceId);
  if (entry === undefined) throw new WorkspaceNotFoundError(workspaceId);
  if (entry.state !== "ONLINE")
    throw new WorkspaceStateError(
      `workspace ${workspaceId} is ${entry.state}: rotate its key once it is ONLINE again`,
      { workspaceId, state: entry.state },
    );
  if (deps.keys !== undefined) {
    const key = await deps.keys.describeKey(to);
    if (key?.state !== "Enabled")
      throw new WorkspaceKeyError(
        "KEY_NOT_USABLE",
        `key ${JSON.stringify(to)} at ${deps.keys.url} is ${key === undefined ? "unknown" : key.state}: ` +
          "rotate to an existing, enabled key",
        { workspaceId, keyId: to, state: key?.state },
      );
  }
  const objects = await listWorkspaceObjects(deps.store, workspaceId, deps.lakeRoot);
  const keysInUse: Record<string, number> = {};
  for (const o of objects) keysInUse[o.kmsKeyId ?? "(none)"] = (keysInUse[o.kmsKeyId ?? "(none)"] ?? 0) + 1;
  return Object.freeze({
    workspaceId,
    from: entry.keyId,
    to,
    objects: objects.length,
    bytes: objects.reduce((n, o) => n + o.size, 0),
    toReencrypt: objects.filter((o) => o.kmsKeyId !== to),
    keysInUse,
  });
}

export async function rotateWorkspaceKey(
  deps: KeyRotationDeps,
  plan: KeyRotationPlan,
  options: Partial<KeyRotationOptions> = {},
): Promise<KeyRotationResult> {
  const o = { ...DEFAULT_KEY_ROTATION_OPTIONS, ...options };
  const clock = deps.clock ?? Date.now;
  const audit = { actor: o.actor, reason: o.reason };
  const { workspaceId, to } = plan;
  await updateWorkspace(
    deps.view,
    workspaceId,
    "rotate-key",
    audit,
    (current) => {
      if (current === undefined) throw new WorkspaceNotFoundError(workspaceId);
      if (current.state !== "ONLINE")
        throw new WorkspaceStateError(`workspace ${workspaceId} is ${current.state}: not rotating its key`, {
          workspaceId,
        });
      return current.keyId === to ? undefined : { ...current, keyId: to };
    },
    clock,
  );
  await deps.onProgress?.(
    `directory: ${workspaceId} now routes new objects to ${to}`,
    0,
    plan.toReencrypt.length,
  );
  if (o.settleMs > 0) await new Promise((r) => setTimeout(r, o.settleMs));

  const scratch = await mkdtemp(join(tmpdir(), "facsimile-rotate-"));
  let reencrypted = 0;
  let bytes = 0;
  let rounds = 0;
  let left: readonly WorkspaceObject[] = plan.toReencrypt;
  let after: WorkspaceObject[] = [];
  try {
    for (;;) {
      rounds++;
      for (const obj of left) {
        if (!(await reencrypt(deps.store, obj, to, join(scratch, "object")))) continue;
        reencrypted++;
        bytes += obj.size;
        await deps.onProgress?.(`re-encrypted ${obj.key}`, reencrypted, plan.toReencrypt.length);
      }
      after = await listWorkspaceObjects(deps.store, workspaceId, deps.lakeRoot);
      left = after.filter((x) => x.kmsKeyId !== to);
      if (left.length === 0) break;
      if (rounds >= o.maxRounds)
        throw new WorkspaceKeyError(
          "KEY_ROTATION_INCOMPLETE",
          `${left.length} object(s) of ${workspaceId} are still under other keys after ${rounds} rounds ` +
            "(a writer with a stale directory view?): run rotate-key again",
          { workspaceId, to, left: left.length, first: left[0]?.key },
        );
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  await updateWorkspace(
    deps.view,
    workspaceId,
    "rotate-key-done",
    {
      actor: o.actor,
      reason: `${o.reason}: ${reencrypted} object(s), ${bytes} bytes re-encrypted from ${plan.from ?? "the platform key"} to ${to}`,
    },
    (current) => {
      if (current === undefined) throw new WorkspaceNotFoundError(workspaceId);
      return { ...current };
    },
    clock,
  );
  return { plan, reencrypted, bytesReencrypted: bytes, rounds, objectsAfter: after.length };
}

/** Reads the object and writes the same bytes back under `to`; false when it was deleted meanwhile. */
async function reencrypt(
  store: ObjectStore,
  obj: WorkspaceObject,
  to: string,
  tmp: string,
): Promise<boolean> {
  try {
    await store.getFile(obj.key, tmp);
  } catch (err) {
    if ((err as { code?: unknown }).code === "OBJECT_NOT_FOUND") return false;
    throw err;
  }
  try {
    await store.putFile(obj.key, tmp, { kmsKeyId: to });
  } finally {
    await rm(tmp, { force: true });
  }
  return true;
}
