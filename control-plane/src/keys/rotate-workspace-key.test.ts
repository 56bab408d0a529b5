// Rotation against a writer whose directory view is stale: what it puts under the old key after the switch is
// found by the verify listing and re-encrypted in another round; one that never stops makes the rotation fail
// with a retriable error instead of claiming success. The local store only records key ids here (no keystore).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalObjectStore } from "@facsimile/object-store";
import { afterAll, describe, expect, it } from "vitest";
import { bootstrapDirectory, parseStaticDirectory } from "../directory/bootstrap-directory.js";
import { createDirectoryView, type DirectoryView } from "../directory/directory-view.js";
import { createFileDirectoryLog } from "../directory/file-directory-log.js";
import { updateWorkspace } from "../directory/update-workspace.js";
import { WorkspaceKeyError, WorkspaceNotFoundError, WorkspaceStateError } from "../errors.js";
import { planKeyRotation, rotateWorkspaceKey } from "./rotate-workspace-key.js";
import { workspaceKeyRoute } from "./workspace-key-route.js";

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function setup(): Promise<{ view: DirectoryView; store: LocalObjectStore; stale: LocalObjectStore }> {
  const dir = await mkdtemp(join(tmpdir(), "facsimile-rotate-"));
  dirs.push(dir);
  const view = createDirectoryView(createFileDirectoryLog(join(dir, "directory.log")));
  await bootstrapDirectory(
    view,
    parseStaticDirectory(JSON.stringify({ workspaces: { w: { region: "eu", kmsKeyId: "old" }, v: "eu" } })),
  );
  const store = new LocalObjectStore(join(dir, "lake"), {
    durable: false,
    kmsKeyRoute: workspaceKeyRoute(view, { platformKeyId: "platform" }),
  });
  // A writer that has not seen the switch yet: it still names the old key.
  const stale = new LocalObjectStore(join(dir, "lake"), { durable: false });
  await store.put("regions/eu/tables/t/_delta_log/00000000000000000000.json", new Uint8Array([123, 125]));
  for (const f of ["1", "2"])
    await store.put(`regions/eu/tables/t/workspace_id=w/part-${f}.parquet`, new Uint8Array([1, 2, 3]));
  await store.put("regions/eu/tables/t/workspace_id=v/part-1.parquet", new Uint8Array([4]));
  return { view, store, stale };
}

describe("rotateWorkspaceKey", () => {
  it("re-encrypts in another round what a stale writer puts under the old key after the switch", async () => {
    const { view, store, stale } = await setup();
    let late = 0;
    const deps = {
      view,
      store,
      onProgress: async () => {
        if (late++ === 0)
          await stale.put("regions/eu/tables/t/workspace_id=w/part-late.parquet", new Uint8Array([9]), {
            kmsKeyId: "old",
          });
      },
    };
    const plan = await planKeyRotation(deps, "w", "new");
    expect(plan).toMatchObject({ from: "old", objects: 2, keysInUse: { old: 2 } });
    const result = await rotateWorkspaceKey(deps, plan, { settleMs: 0 });
    expect(result).toMatchObject({ reencrypted: 3, rounds: 2, objectsAfter: 3 });
    for await (const o of store.list("regions/eu/tables/t/workspace_id=w/"))
      expect((await store.head(o.key))?.kmsKeyId, o.key).toBe("new");
    expect((await store.head("regions/eu/tables/t/workspace_id=v/part-1.parquet"))?.kmsKeyId).toBe(
      "platform",
    );
    expect(view.get("w")?.keyId).toBe("new");
  });

  it("fails, retriable, when a stale writer keeps adding objects under the old key", async () => {
    const { view, store, stale } = await setup();
    let n = 0;
    const deps = {
      view,
      store,
      onProgress: async () => {
        await stale.put(`regions/eu/tables/t/workspace_id=w/part-late-${n++}.parquet`, new Uint8Array([9]), {
          kmsKeyId: "old",
        });
      },
    };
    const err = await rotateWorkspaceKey(deps, await planKeyRotation(deps, "w", "new"), {
      settleMs: 0,
      maxRounds: 2,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkspaceKeyError);
    expect(err).toMatchObject({ code: "KEY_ROTATION_INCOMPLETE", retriable: true });
  });

  it("refuses an unknown workspace and one that is not ONLINE", async () => {
    const { view, store } = await setup();
    await expect(planKeyRotation({ view, store }, "nobody", "new")).rejects.toBeInstanceOf(
      WorkspaceNotFoundError,
    );
    await updateWorkspace(view, "v", "erase", { actor: "test", reason: "test" }, (c) =>
      c === undefined ? undefined : { ...c, state: "ERASED" },
    );
    await expect(planKeyRotation({ view, store }, "v", "new")).rejects.toBeInstanceOf(WorkspaceStateError);
  });
});
