// Optimize folds a partition's small files into one, with dataChange=false and the same rows; when a merge
// commits between its plan and its commit and takes one of its files, it re-plans that partition and commits
// anyway (no CommitConflictError), and the table holds the merge's change and every other row as it was.
import { loadSnapshot, partitionKey, readCommit, readRows, type Table } from "@facsimile/lake";
import { type TempLake, tempLake } from "@facsimile/lake/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { executeOptimize } from "./execute-optimize.js";
import { planOptimize } from "./plan-optimize.js";
import { mergeTargetRows } from "./testing/target-table.js";

let lake: TempLake;
beforeEach(async () => {
  lake = await tempLake();
});
afterEach(async () => {
  await lake.close();
});

/** Six merges, each adding two new resources to each of ws0 and ws1: six small files per partition. */
async function smallFiles(table: Table): Promise<void> {
  for (let b = 0; b < 6; b++)
    await mergeTargetRows(
      table,
      Array.from({ length: 4 }, (_, i) => ({ workspace: `ws${i % 2}`, resource: `r${b}-${i}`, version: 1 })),
      b,
    );
}

const sorted = async (table: Table) => (await readRows(table)).map((r) => JSON.stringify(r)).sort();

function filesPerPartition(
  files: Iterable<{ partitionValues: Record<string, string | null> }>,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of files) {
    const k = partitionKey(f.partitionValues, ["workspace_id"]);
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

describe("optimize", () => {
  it("folds each partition's small files into one, dataChange=false, rows unchanged", async () => {
    const table = lake.open("t");
    await smallFiles(table);
    const rows = await sorted(table);
    const plan = planOptimize(await loadSnapshot(table));
    expect(plan.groups.map((g) => g.files.length)).toEqual([6, 6]);
    const result = await executeOptimize(table, plan);
    expect(result).toMatchObject({
      filesRemoved: 12,
      filesAdded: 2,
      rows: 24,
      replans: 0,
      skippedPartitions: [],
    });
    const snapshot = await loadSnapshot(table);
    expect(filesPerPartition(snapshot.files.values())).toEqual({ '["ws0"]': 1, '["ws1"]': 1 });
    expect(await sorted(table)).toEqual(rows);
    const actions = await readCommit(table, result.version as number);
    const files = actions.flatMap((a): { dataChange: boolean }[] =>
      "add" in a ? [a.add] : "remove" in a ? [a.remove] : [],
    );
    expect(files.length).toBe(14);
    expect(files.every((f) => f.dataChange === false)).toBe(true);
    // Nothing left to do.
    expect(planOptimize(snapshot).groups).toEqual([]);
  });

  it("re-plans the partition a concurrent merge rewrote, keeps the other, and commits without a conflict error", async () => {
    const table = lake.open("t");
    await smallFiles(table);
    const plan = planOptimize(await loadSnapshot(table));
    // A streaming merge lands between the plan and its commit: a newer version of r0-0 rewrites a file of ws0.
    const other = lake.open("t", { connection: await lake.instance.connect() });
    await mergeTargetRows(other, [{ workspace: "ws0", resource: "r0-0", version: 2, value: "newer" }], 100);
    const expected = await sorted(table);
    const progress: string[] = [];
    const result = await executeOptimize(table, plan, { onProgress: (m) => progress.push(m) });
    expect(result.replans).toBe(1);
    expect(progress.some((m) => /re-planning 1 at version 7/.test(m))).toBe(true);
    expect(result.skippedPartitions).toEqual([]);
    expect(await sorted(table)).toEqual(expected);
    expect((await readRows(table)).find((r) => r.envelope_fields_resource_ari_value === "r0-0")?.val).toBe(
      "newer",
    );
    expect(filesPerPartition((await loadSnapshot(table)).files.values())).toEqual({
      '["ws0"]': 1,
      '["ws1"]': 1,
    });
  });
});
