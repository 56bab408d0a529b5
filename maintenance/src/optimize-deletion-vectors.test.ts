// Optimize folds deletion vectors away: after merges that mark replaced rows in DVs, optimize rewrites each
// partition's files without their deleted rows, the new files carry no DV, and the rows are the same; vacuum
// keeps the DV file while the removed files are within the retention and deletes it after.
import { loadSnapshot, readRows, type Table } from "@facsimile/lake";
import { type TempLake, tempLake } from "@facsimile/lake/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { executeOptimize } from "./execute-optimize.js";
import { executeVacuum } from "./execute-vacuum.js";
import { planOptimize } from "./plan-optimize.js";
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
const dvOf = (add: unknown) => (add as { deletionVector?: unknown }).deletionVector ?? null;
const sorted = async (table: Table) => (await readRows(table)).map((r) => JSON.stringify(r)).sort();

describe("optimize with deletion vectors", () => {
  it("rewrites files with deletion vectors into files without, rows unchanged", async () => {
    const table = lake.open("t");
    const rows = Array.from({ length: 40 }, (_, i) => ({
      workspace: `ws${i % 2}`,
      resource: `r${i}`,
      version: 1,
    }));
    await mergeTargetRows(table, rows, 0, { deletionVectors: true });
    // Updates of a few rows: the merge marks the old ones in a deletion vector instead of rewriting the file.
    await mergeTargetRows(
      table,
      [0, 1, 2, 3].map((i) => ({ workspace: `ws${i % 2}`, resource: `r${i}`, version: 2 })),
      1,
      {
        deletionVectors: true,
      },
    );
    const before = await loadSnapshot(table);
    expect([...before.files.values()].filter((a) => dvOf(a) !== null).length).toBeGreaterThan(0);
    const expected = await sorted(table);
    const plan = planOptimize(before);
    expect(plan.groups.reduce((n, g) => n + g.deletionVectors, 0)).toBeGreaterThan(0);
    await executeOptimize(table, plan);
    const after = await loadSnapshot(table);
    expect([...after.files.values()].filter((a) => dvOf(a) !== null)).toEqual([]);
    expect(await sorted(table)).toEqual(expected);
    // The deletion vector file is referenced by the removed files within the retention, then goes with them.
    const dvFiles = (plan: { files: readonly { key: string }[] }) =>
      plan.files.filter((f) => /deletion_vector_[^/]*\.bin$/.test(f.key));
    expect(dvFiles(await planVacuum(table, { retentionMs: HOUR }))).toEqual([]);
    const later = await planVacuum(table, { retentionMs: HOUR, clock: () => Date.now() + 2 * HOUR });
    expect(dvFiles(later).length).toBeGreaterThan(0);
    await executeVacuum(table, later);
    expect(await sorted(table)).toEqual(expected);
  });
});
