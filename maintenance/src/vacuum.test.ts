// Vacuum keeps every file a version within the retention references (each of those versions still reads), and
// deletes files removed before the retention and orphans of crashed writes once older than the safety margin.
import { copyFile, utimes } from "node:fs/promises";
import { join } from "node:path";
import { loadSnapshot, readRows, type Table } from "@facsimile/lake";
import { type TempLake, tempLake } from "@facsimile/lake/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { executeVacuum } from "./execute-vacuum.js";
import { planVacuum } from "./plan-vacuum.js";
import { mergeTargetRows } from "./testing/target-table.js";

let lake: TempLake;
beforeEach(async () => {
  lake = await tempLake();
});
afterEach(async () => {
  await lake.close();
});

const HOUR = 3_600_000;

/** Four merges: each rewrites the previous files of ws0, so versions 2.. remove files. */
async function churn(table: Table): Promise<void> {
  for (let b = 0; b < 4; b++)
    await mergeTargetRows(
      table,
      Array.from({ length: 6 }, (_, i) => ({ workspace: `ws${i % 2}`, resource: `r${i}`, version: b })),
      b,
    );
}

async function readsEveryVersion(table: Table): Promise<number[]> {
  const latest = (await loadSnapshot(table)).version;
  const counts: number[] = [];
  for (let v = 1; v <= latest; v++) counts.push((await readRows(table, { version: v })).length);
  return counts;
}

describe("vacuum", () => {
  it("keeps every file of the versions within the retention, then drops what only older versions used", async () => {
    const table = lake.open("t");
    await churn(table);
    const snapshot = await loadSnapshot(table);
    expect(snapshot.tombstones.size).toBeGreaterThan(0);
    const before = await readsEveryVersion(table);

    const within = await planVacuum(table, { retentionMs: HOUR });
    expect(within.files).toEqual([]);
    await executeVacuum(table, within);
    expect(await readsEveryVersion(table)).toEqual(before);

    // Two hours later every removal is outside the one-hour retention: those files go, the live ones stay.
    const later = await planVacuum(table, { retentionMs: HOUR, clock: () => Date.now() + 2 * HOUR });
    expect(later.files.map((f) => f.key.slice("t/".length)).sort()).toEqual(
      [...snapshot.tombstones.keys()].sort(),
    );
    expect(later.files.every((f) => f.reason === "removed before the retention")).toBe(true);
    const result = await executeVacuum(table, later);
    expect(result.filesDeleted).toBe(snapshot.tombstones.size);
    expect(await readRows(table)).toHaveLength(6);
    await expect(readRows(table, { version: 1 })).rejects.toThrow();
  });

  it("deletes an orphan of a crashed write only once it is older than the safety margin", async () => {
    const table = lake.open("t");
    await churn(table);
    const [live] = [...(await loadSnapshot(table)).files.keys()];
    const orphan = join(lake.store.root, "t", "workspace_id=ws0", "part-crashed.zstd.parquet");
    await copyFile(join(lake.store.root, "t", live as string), orphan);
    const young = await planVacuum(table, { retentionMs: HOUR });
    expect(young.files).toEqual([]);
    // Its write crashed two hours ago.
    const twoHoursAgo = new Date(Date.now() - 2 * HOUR);
    await utimes(orphan, twoHoursAgo, twoHoursAgo);
    const old = await planVacuum(table, { retentionMs: HOUR, orphanSafetyMs: HOUR });
    expect(old.files).toEqual([
      {
        key: "t/workspace_id=ws0/part-crashed.zstd.parquet",
        size: expect.any(Number),
        reason: "orphan (never committed)",
      },
    ]);
    await executeVacuum(table, old);
    expect(await lake.store.head("t/workspace_id=ws0/part-crashed.zstd.parquet")).toBeUndefined();
    expect(await readsEveryVersion(table)).toHaveLength(4);
  });

  it("refuses a retention longer than the table remembers removed files", async () => {
    const table = lake.open("t", { tombstoneRetentionMs: HOUR });
    await churn(table);
    await expect(planVacuum(table, { retentionMs: 2 * HOUR })).rejects.toThrow(
      /exceeds the table's tombstone retention/,
    );
  });
});
