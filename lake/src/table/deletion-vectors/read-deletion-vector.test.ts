// Reading deletion vectors in the three storage types other writers use: a table whose DVs our merge wrote in a
// 'u' file reads the same rows when its log names the same DVs inline ('i') or by absolute path ('p'); a DV that
// does not match its descriptor is a named error.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DeletionVectorError } from "../../errors.js";
import { readRows } from "../../io/read-table.js";
import { type TempLake, tempLake } from "../../testing/temp-lake.js";
import { mergeBatch } from "../../writers/merge.js";
import type { AddAction } from "../actions.js";
import { loadSnapshot } from "../load-snapshot.js";
import { commitKey } from "../log-paths.js";
import type { Table } from "../table.js";
import { relativeDvPath } from "./descriptor.js";
import { deletedRowPositions } from "./read-deletion-vector.js";
import { encodeRoaringBitmapArray } from "./roaring-bitmap-array.js";
import { z85Encode } from "./z85.js";

let lake: TempLake;
beforeEach(async () => {
  lake = await tempLake();
});
afterEach(async () => {
  await lake.close();
});

const batch = (from: number, to: number, version: number) => ({
  sql:
    `SELECT 'ws' || (i % 2) AS ws, i AS id, 'v${version}' AS val, 0::BIGINT AS _generation, ${version}::BIGINT AS _version, ` +
    `false AS _is_tombstone, 'h' AS _payload_hash FROM range(${from}, ${to}) r(i)`,
});

/** A table whose last commit (version 2) gives DVs to files; returns it and that commit's file on disk. */
async function dvTable(): Promise<{ table: Table; commitFile: string }> {
  const table = lake.open("t");
  const config = {
    kind: "merge" as const,
    primaryKey: ["id"],
    partitionColumns: ["ws"],
    deletionVectors: true,
  };
  await mergeBatch(table, { ...config, maxRowsPerFile: 100 }, batch(0, 400, 1), { appId: "a", version: 1 });
  await mergeBatch(table, config, batch(3, 9, 2), { appId: "a", version: 2 });
  return { table, commitFile: join(lake.store.root, commitKey(table, 2)) };
}

/** Rewrites the DV descriptors of the commit's adds with `replace`. */
async function rewriteDvs(file: string, replace: (add: AddAction) => Promise<unknown>): Promise<void> {
  const lines = (await readFile(file, "utf8")).split("\n").filter((l) => l !== "");
  const out: string[] = [];
  for (const line of lines) {
    const action = JSON.parse(line) as { add?: AddAction; remove?: unknown };
    if (action.add?.deletionVector)
      action.add = { ...action.add, deletionVector: (await replace(action.add)) as never };
    out.push(JSON.stringify(action));
  }
  await writeFile(file, `${out.join("\n")}\n`);
}

describe("reading deletion vectors", () => {
  it("applies inline ('i') DVs as it applies 'u' ones", async () => {
    const { table, commitFile } = await dvTable();
    const expected = await readRows(table, { orderBy: "id" });
    expect(expected).toHaveLength(400);
    expect(expected.filter((r) => r.val === "v2")).toHaveLength(6);
    const positions = new Map<string, number[]>();
    for (const a of (await loadSnapshot(table)).files.values())
      if (a.deletionVector) positions.set(a.path, await deletedRowPositions(table, a));
    expect([...positions.values()].flat()).toHaveLength(6);

    await rewriteDvs(commitFile, async (add) => {
      const rows = positions.get(add.path) as number[];
      const bytes = encodeRoaringBitmapArray(rows);
      return {
        storageType: "i",
        pathOrInlineDv: z85Encode(bytes),
        sizeInBytes: bytes.length,
        cardinality: rows.length,
      };
    });
    const inline = lake.open("t", { cacheDir: join(lake.dir, "cache-i") });
    expect(await readRows(inline, { orderBy: "id" })).toEqual(expected);
  });

  it("reads 'p' DVs inside the table and names the file of a DV whose cardinality is wrong", async () => {
    const { table, commitFile } = await dvTable();
    const expected = await readRows(table, { orderBy: "id" });
    await rewriteDvs(commitFile, async (add) => {
      const dv = add.deletionVector as NonNullable<AddAction["deletionVector"]>;
      return { ...dv, storageType: "p", pathOrInlineDv: `${table.url}/${relativeDvPath(dv.pathOrInlineDv)}` };
    });
    expect(
      await readRows(lake.open("t", { cacheDir: join(lake.dir, "cache-p") }), { orderBy: "id" }),
    ).toEqual(expected);
    await rewriteDvs(commitFile, async (add) => ({ ...add.deletionVector, cardinality: 99 }));
    const broken = lake.open("t", { cacheDir: join(lake.dir, "cache-x") });
    await expect(readRows(broken)).rejects.toThrow(DeletionVectorError);
    await expect(readRows(broken)).rejects.toThrow(/cardinality is 99/);
  });
});
