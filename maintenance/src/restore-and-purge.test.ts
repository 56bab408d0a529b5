// Restore brings a table back to a version or an instant as a new commit, and applies the erasure registry to what
// comes back; purge-tombstones drops old tombstone rows only after the registry guards their resources, so neither
// a restore of an older version nor a late older record can bring the deleted rows back.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  bootstrapDirectory,
  createDirectoryView,
  createFileDirectoryLog,
  type DirectoryView,
  updateWorkspace,
} from "@facsimile/control-plane";
import { loadSnapshot, readCommit, readRows, type Table } from "@facsimile/lake";
import { type TempLake, tempLake } from "@facsimile/lake/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { executePurgeTombstones } from "./execute-purge-tombstones.js";
import { executeRestore } from "./execute-restore.js";
import { planPurgeTombstones } from "./plan-purge-tombstones.js";
import { planRestore } from "./plan-restore.js";
import { mergeTargetRows } from "./testing/target-table.js";

let lake: TempLake;
let dir: string;
let view: DirectoryView;
beforeEach(async () => {
  lake = await tempLake();
  dir = await mkdtemp(join(tmpdir(), "facsimile-maint-"));
  view = createDirectoryView(createFileDirectoryLog(join(dir, "directory.log")));
  await bootstrapDirectory(
    view,
    ["ws0", "ws1"].map((workspaceId) => ({
      workspaceId,
      realm: "eu",
      regions: ["eu"],
      state: "ONLINE" as const,
      deletionGeneration: "0",
      keyId: undefined,
      erasedResources: [],
    })),
  );
});
afterEach(async () => {
  await view.log.close();
  await lake.close();
  await rm(dir, { recursive: true, force: true });
});

const values = async (table: Table, version?: number) =>
  (
    await readRows(table, {
      ...(version === undefined ? {} : { version }),
      orderBy: "envelope_fields_resource_ari_value",
    })
  ).map(
    (r) =>
      `${r.workspace_id}/${r.envelope_fields_resource_ari_value}=${r.val ?? (r.envelope_fields_is_tombstone ? "tombstone" : null)}`,
  );
const registry = async () => {
  await view.refresh();
  return view.list();
};
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("restore", () => {
  it("restores a version and an instant as new commits; an erasure recorded later stays erased", async () => {
    const table = lake.open("t");
    await mergeTargetRows(
      table,
      [
        { workspace: "ws0", resource: "a", version: 1 },
        { workspace: "ws1", resource: "b", version: 1 },
      ],
      0,
    );
    const v1 = await values(table);
    await pause(20);
    const instant = Date.now();
    await pause(20);
    await mergeTargetRows(
      table,
      [
        { workspace: "ws0", resource: "a", version: 2 },
        { workspace: "ws1", resource: "c", version: 1 },
      ],
      1,
    );
    await mergeTargetRows(table, [{ workspace: "ws1", resource: "b", version: 2, tombstone: true }], 2);
    const v3 = await values(table);

    // To version 1 (the first data version): a new commit, RESTORE, the rows of version 1.
    const plan = await planRestore(table, { version: 1 }, await registry());
    expect(plan).toMatchObject({ fromVersion: 3, toVersion: 1, erasedRows: 0 });
    const restored = await executeRestore(table, plan, registry);
    expect(restored.version).toBe(4);
    expect(await values(table)).toEqual(v1);
    const commit = await readCommit(table, 4);
    expect(commit.find((a) => "commitInfo" in a)).toMatchObject({ commitInfo: { operation: "RESTORE" } });

    // Back to version 3 by version, then to the instant between versions 1 and 2.
    await executeRestore(table, await planRestore(table, { version: 3 }, await registry()), registry);
    expect(await values(table)).toEqual(v3);
    const byTime = await planRestore(table, { timestamp: instant }, await registry());
    expect(byTime.toVersion).toBe(1);
    await executeRestore(table, byTime, registry);
    expect(await values(table)).toEqual(v1);

    // Resource "a" of ws0 is erased now (the registry, before any table change): a restore never brings it back.
    await updateWorkspace(view, "ws0", "erase-resource", { actor: "test", reason: "GDPR" }, (c) =>
      c === undefined ? undefined : { ...c, erasedResources: [{ resourceAri: "a", generation: "1" }] },
    );
    const again = await planRestore(table, { version: 3 }, await registry());
    expect(again).toMatchObject({ erasedRows: 1, filesRewritten: 1 });
    const result = await executeRestore(table, again, registry);
    expect(result.erasedRows).toBe(1);
    expect(await values(table)).toEqual(v3.filter((v) => !v.startsWith("ws0/a=")));
  });

  it("says which version is the oldest it can restore when the target's log is gone", async () => {
    const table = lake.open("t");
    await mergeTargetRows(table, [{ workspace: "ws0", resource: "a", version: 1 }], 0);
    await expect(planRestore(table, { version: 7 }, [])).rejects.toThrow(/after the latest/);
    await expect(planRestore(table, { timestamp: 0 }, [])).rejects.toThrow(/oldest loadable version is 0/);
  });
});

describe("purge-tombstones", () => {
  it("drops old tombstones after the registry guards them; neither a restore nor the registry check of ingest lets older rows back", async () => {
    const table = lake.open("t");
    const long = Date.parse("2020-01-01T00:00:00Z");
    await mergeTargetRows(
      table,
      [
        { workspace: "ws0", resource: "a", version: 1, at: long },
        { workspace: "ws0", resource: "b", version: 1, at: long },
        { workspace: "ws1", resource: "c", version: 1, at: long },
      ],
      0,
    );
    // a is deleted long ago, c recently: only a's tombstone is past a 30-day horizon.
    await mergeTargetRows(
      table,
      [
        { workspace: "ws0", resource: "a", version: 2, generation: 3, tombstone: true, at: long },
        { workspace: "ws1", resource: "c", version: 2, tombstone: true },
      ],
      1,
    );
    const beforePurge = (await loadSnapshot(table)).version;
    const plan = await planPurgeTombstones(table);
    expect(plan).toMatchObject({
      rows: 1,
      resources: [{ workspaceId: "ws0", resourceAri: "a", generation: 3n }],
    });
    const result = await executePurgeTombstones(table, plan, view, { registrySettleMs: 0 });
    expect(result).toMatchObject({ rowsPurged: 1, resourcesGuarded: 1, unguardedWorkspaces: [] });
    expect(await values(table)).toEqual(["ws0/b=v1", "ws1/c=tombstone"]);
    // The guard: a's records at or below the tombstone's generation are refused, a new generation is not.
    await view.refresh();
    expect(view.isErased("ws0", "a", 3n)).toBe(true);
    expect(view.isErased("ws0", "a", 4n)).toBe(false);
    expect(view.isErased("ws0", "b", 0n)).toBe(false);
    // A restore of the version before the delete does not bring a back.
    const restore = await planRestore(table, { version: 1 }, await registry());
    await executeRestore(table, restore, registry);
    expect(await values(table)).toEqual(["ws0/b=v1", "ws1/c=v1"]);
    expect(beforePurge).toBe(2);
    // Purging again finds nothing older than the horizon.
    expect((await planPurgeTombstones(table)).rows).toBe(0);
  });
});
