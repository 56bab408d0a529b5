// Restore on the embedded store and on S3 (MinIO): a table restored to an older version and to an instant reads
// the same rows with delta-rs as with our reader (a RESTORE commit is plain Delta); an erasure recorded after that
// version stays erased (the registry is applied to the files coming back); and after a real `control erase`, which
// cuts the table's history, a restore to a version before it is refused with the oldest version it can restore.
// Optimize and vacuum afterwards leave delta-rs reading what we read.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  bootstrapDirectory,
  createDirectoryView,
  createFileDirectoryLog,
  type DirectoryView,
  eraseWorkspace,
  updateWorkspace,
} from "@facsimile/control-plane";
import { loadSnapshot, openTable, readRows, regionLayout, type Table } from "@facsimile/lake";
import {
  executeOptimize,
  executeRestore,
  executeVacuum,
  planOptimize,
  planRestore,
  planVacuum,
  RestoreTargetUnavailableError,
} from "@facsimile/maintenance";
import { mergeTargetRows } from "@facsimile/maintenance/testing";
import type { ObjectStore } from "@facsimile/object-store";
import type { S3ObjectStore } from "@facsimile/object-store/s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { services } from "../helpers.js";
import { ensureInterop, readDelta } from "../interop.js";
import { type LakeFixture, lakeFixture, rowSet } from "../lake/lake-support.js";

let lake: LakeFixture;
let dir: string;
let view: DirectoryView;
beforeAll(async () => {
  ensureInterop();
  lake = await lakeFixture();
  dir = await mkdtemp(join(tmpdir(), "facsimile-restore-it-"));
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
}, 15 * 60_000);
afterAll(async () => {
  await view?.log.close();
  await lake?.close();
  await rm(dir, { recursive: true, force: true });
});

const registry = async () => {
  await view.refresh();
  return view.list();
};
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Ten merges over two workspaces: updates, inserts and a tombstone; returns the instant after version 3. */
async function history(table: Table): Promise<number> {
  let instant = 0;
  for (let b = 0; b < 10; b++) {
    await mergeTargetRows(
      table,
      Array.from({ length: 6 }, (_, i) => ({
        workspace: `ws${i % 2}`,
        resource: `r${(b + i) % 9}`,
        version: b,
        tombstone: b === 7 && i === 0,
      })),
      b,
    );
    if (b === 3) {
      await pause(30);
      instant = Date.now();
      await pause(30);
    }
  }
  return instant;
}

async function sameRowsWithDeltaRs(table: Table, uri: string, s3: boolean): Promise<number> {
  const ours = await readRows(table);
  const theirs = await readDelta(uri, s3 ? { s3: services().s3 } : {});
  expect(theirs.table.version).toBe((await loadSnapshot(table)).version);
  expect(rowSet(theirs.rows)).toEqual(rowSet(ours));
  return ours.length;
}

describe.each(["local", "s3"] as const)("restore (%s)", (where) => {
  it("restores a version and an instant that delta-rs reads as we do; a later erasure stays erased", {
    timeout: 180_000,
  }, async () => {
    const store: ObjectStore = where === "local" ? lake.local : lake.s3();
    const path = `restore-${where}`;
    const table = await lake.table(store, path);
    const uri =
      where === "local"
        ? `${lake.local.root}/${path}`
        : `s3://${services().s3.bucket}/${(store as S3ObjectStore).prefix}/${path}`;
    const instant = await history(table);
    const atVersion2 = rowSet(await readRows(table, { version: 2 }));
    const atVersion4 = rowSet(await readRows(table, { version: 4 }));

    const toVersion = await executeRestore(
      table,
      await planRestore(table, { version: 2 }, await registry()),
      registry,
    );
    expect(toVersion).toMatchObject({ fromVersion: 10, toVersion: 2, version: 11, erasedRows: 0 });
    expect(toVersion.filesRestored).toBeGreaterThan(0);
    expect(toVersion.bytesRestored).toBeGreaterThan(0);
    expect(rowSet(await readRows(table))).toEqual(atVersion2);
    await sameRowsWithDeltaRs(table, uri, where === "s3");

    const byTime = await planRestore(table, { timestamp: instant }, await registry());
    expect(byTime.toVersion).toBe(4);
    await executeRestore(table, byTime, registry);
    expect(rowSet(await readRows(table))).toEqual(atVersion4);
    await sameRowsWithDeltaRs(table, uri, where === "s3");

    // Resource r1 of ws1 is erased after version 4 (recorded in the registry; the table not yet rewritten):
    // restoring version 4 again leaves it out, and delta-rs agrees.
    await updateWorkspace(view, "ws1", "erase-resource", { actor: "test", reason: "GDPR" }, (c) =>
      c === undefined ? undefined : { ...c, erasedResources: [{ resourceAri: "r1", generation: "1" }] },
    );
    await executeRestore(table, await planRestore(table, { version: 9 }, await registry()), registry);
    const back = await executeRestore(
      table,
      await planRestore(table, { version: 4 }, await registry()),
      registry,
    );
    expect(back.erasedRows).toBeGreaterThan(0);
    const rows = await readRows(table);
    expect(
      rows.filter((r) => r.envelope_fields_resource_ari_value === "r1" && r.workspace_id === "ws1"),
    ).toEqual([]);
    expect(rows.length).toBe(atVersion4.length - back.erasedRows);
    await sameRowsWithDeltaRs(table, uri, where === "s3");
    // Optimize and a vacuum without retention after all that: delta-rs still reads what we read.
    const beforeCare = rowSet(await readRows(table));
    const optimized = await executeOptimize(table, planOptimize(await loadSnapshot(table)));
    expect(optimized.filesRemoved).toBeGreaterThan(optimized.filesAdded);
    const vacuumed = await executeVacuum(
      table,
      await planVacuum(table, { retentionMs: 0, orphanSafetyMs: 0 }),
    );
    expect(vacuumed.filesDeleted).toBeGreaterThan(0);
    expect(rowSet(await readRows(table))).toEqual(beforeCare);
    await sameRowsWithDeltaRs(table, uri, where === "s3");
    await updateWorkspace(view, "ws1", "test-reset", { actor: "test", reason: "next case" }, (c) =>
      c === undefined ? undefined : { ...c, erasedResources: [] },
    );
  });
});

describe("restore after control erase (local)", () => {
  it("refuses a version the erasure cut from the history, and restores a later one without the workspace", {
    timeout: 120_000,
  }, async () => {
    const root = "erase-lake";
    const table = openTable(
      lake.local,
      `${root}/${regionLayout.table("eu", "items")}`,
      (await lake.table(lake.local, "x")).duckdb,
      {
        scratchDir: join(lake.dir, "scratch"),
      },
    );
    await history(table);
    const own = createDirectoryView(createFileDirectoryLog(join(dir, "erase-directory.log")));
    try {
      await bootstrapDirectory(
        own,
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
      const erased = await eraseWorkspace(
        { view: own, store: lake.local, lakeRoot: root, duckdb: table.duckdb },
        { workspaceId: "ws0" },
        { settleMs: 0, mergeWaitMs: 0 },
      );
      expect(erased.kind === "receipt" && erased.receipt.rowsRemoved).toBeGreaterThan(0);
      const ownRegistry = async () => {
        await own.refresh();
        return own.list();
      };
      const err = await planRestore(table, { version: 4 }, await ownRegistry()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RestoreTargetUnavailableError);
      expect(String((err as Error).message)).toMatch(/oldest loadable version is 11/);
      await mergeTargetRows(table, [{ workspace: "ws1", resource: "late", version: 1 }], 10);
      const result = await executeRestore(
        table,
        await planRestore(table, { version: 11 }, await ownRegistry()),
        ownRegistry,
      );
      expect(result.toVersion).toBe(11);
      const rows = await readRows(table);
      expect(rows.filter((r) => r.workspace_id === "ws0")).toEqual([]);
      expect(rows.filter((r) => r.envelope_fields_resource_ari_value === "late")).toEqual([]);
    } finally {
      await own.log.close();
    }
  });
});
