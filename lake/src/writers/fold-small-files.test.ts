import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readRows } from "../io/read-table.js";
import type { AddAction } from "../table/actions.js";
import { loadSnapshot } from "../table/load-snapshot.js";
import { type TempLake, tempLake } from "../testing/temp-lake.js";
import { appendBatch } from "./append.js";
import { filesToFold } from "./fold-small-files.js";
import { mergeBatch } from "./merge.js";

const add = (path: string, ws: string, size: number): AddAction => ({
  path,
  partitionValues: { ws },
  size,
  modificationTime: 0,
  dataChange: true,
});

describe("filesToFold", () => {
  const files = new Map(
    [
      add("a1", "a", 10),
      add("a2", "a", 10),
      add("a3", "a", 5_000),
      add("b1", "b", 10),
      add("c1", "c", 10),
      add("c2", "c", 10),
      add("c3", "c", 10),
    ].map((a) => [a.path, a]),
  );
  const snapshot = { files, partitionColumns: ["ws"] };

  it("folds the small files of touched partitions that hold at least filesAbove files", () => {
    const fold = filesToFold(snapshot, [{ ws: "a" }, { ws: "b" }], {
      foldFilesAbove: 3,
      smallFileBytes: 100,
    });
    expect(fold.map((f) => f.path).sort()).toEqual(["a1", "a2"]);
  });

  it("leaves partitions the write does not touch, and folds nothing when turned off", () => {
    expect(filesToFold(snapshot, [{ ws: "b" }], { foldFilesAbove: 3, smallFileBytes: 100 })).toEqual([]);
    expect(filesToFold(snapshot, [{ ws: "c" }], { foldFilesAbove: 0 })).toEqual([]);
    expect(
      filesToFold(snapshot, [{ ws: "c" }], { foldFilesAbove: 3, smallFileBytes: 100 }).map((f) => f.path),
    ).toEqual(["c1", "c2", "c3"]);
  });
});

let lake: TempLake;
beforeEach(async () => {
  lake = await tempLake();
});
afterEach(async () => {
  await lake.close();
});

const columns = { ws: "VARCHAR", id: "BIGINT", v: "VARCHAR" };

async function filesPerPartition(path: string): Promise<Map<string, number>> {
  const snapshot = await loadSnapshot(lake.open(path));
  const counts = new Map<string, number>();
  for (const a of snapshot.files.values())
    counts.set(String(a.partitionValues.ws), (counts.get(String(a.partitionValues.ws)) ?? 0) + 1);
  return counts;
}

describe("small-file folding in the writers", () => {
  it("keeps an append-only table at a bounded number of files per partition, every row kept once", async () => {
    const table = lake.open("appended");
    const config = { kind: "append" as const, partitionColumns: ["ws"], foldFilesAbove: 4 };
    for (let i = 0; i < 12; i++)
      await appendBatch(
        table,
        config,
        {
          rows: [
            { ws: "a", id: BigInt(i), v: `r${i}` },
            { ws: i % 2 === 0 ? "b" : "a", id: BigInt(100 + i), v: "x" },
          ],
          columns,
        },
        { appId: "t", version: i },
      );
    for (const n of (await filesPerPartition("appended")).values()) expect(n).toBeLessThanOrEqual(4);
    const rows = await readRows(table);
    expect(rows).toHaveLength(24);
    expect(new Set(rows.map((r) => String(r.id))).size).toBe(24);
  });

  it("keeps a merged table at a bounded number of files per partition with the last writer's rows", async () => {
    const table = lake.open("merged");
    const config = {
      kind: "merge" as const,
      partitionColumns: ["ws"],
      primaryKey: ["id"],
      foldFilesAbove: 3,
    };
    const types = {
      ...columns,
      _generation: "BIGINT",
      _version: "BIGINT",
      _is_tombstone: "BOOLEAN",
      _payload_hash: "VARCHAR",
    };
    const row = (id: number, version: number, v: string) => ({
      ws: "a",
      id: BigInt(id),
      v,
      _generation: 0n,
      _version: BigInt(version),
      _is_tombstone: false,
      _payload_hash: "h",
    });
    // Only new keys: no file loses a row, so without folding every batch would leave one more file.
    for (let i = 0; i < 10; i++)
      await mergeBatch(
        table,
        config,
        { rows: [row(i, 1, `first ${i}`)], columns: types },
        { appId: "t", version: i },
      );
    await mergeBatch(
      table,
      config,
      { rows: [row(3, 2, "second 3"), row(4, 0, "older 4")], columns: types },
      {
        appId: "t",
        version: 10,
      },
    );
    expect((await filesPerPartition("merged")).get("a")).toBeLessThanOrEqual(3);
    const rows = await readRows(table, { orderBy: "id" });
    expect(rows.map((r) => r.v)).toEqual([
      "first 0",
      "first 1",
      "first 2",
      "second 3",
      "first 4",
      "first 5",
      "first 6",
      "first 7",
      "first 8",
      "first 9",
    ]);
  });
});
