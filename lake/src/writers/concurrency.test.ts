// Several writers (each with its own DuckDB connection, as separate workers would have) commit to one table at
// once on local disk: the log stays linear (versions 0..N, no gaps, each batch exactly once) and nothing is lost.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readRows } from "../io/read-table.js";
import { loadSnapshot } from "../table/load-snapshot.js";
import { listLog, readCommit } from "../table/read-log.js";
import type { Table } from "../table/table.js";
import { type TempLake, tempLake } from "../testing/temp-lake.js";
import { appendBatch } from "./append.js";
import { mergeBatch } from "./merge.js";

let lake: TempLake;
beforeEach(async () => {
  lake = await tempLake();
});
afterEach(async () => {
  await lake.close();
});

const WRITERS = 4;
const BATCHES = 4;

async function tablePerWriter(path: string): Promise<Table[]> {
  return Promise.all(
    Array.from({ length: WRITERS }, async () =>
      lake.open(path, { connection: await lake.instance.connect() }),
    ),
  );
}

async function expectLinearHistory(table: Table, commits: number): Promise<void> {
  const versions = [...(await listLog(table)).commits.keys()].sort((a, b) => a - b);
  expect(versions).toEqual(Array.from({ length: commits + 1 }, (_, v) => v));
  const txns: string[] = [];
  for (const v of versions)
    for (const a of await readCommit(table, v)) if ("txn" in a) txns.push(`${a.txn.appId}:${a.txn.version}`);
  expect(txns.sort()).toEqual(
    Array.from({ length: WRITERS }, (_, w) => Array.from({ length: BATCHES }, (_, b) => `w${w}:${b}`))
      .flat()
      .sort(),
  );
}

describe("concurrent writers on local disk", () => {
  it("appends from several writers at once: every row once, one commit per batch", async () => {
    const tables = await tablePerWriter("appends");
    await Promise.all(
      tables.map(async (table, w) => {
        for (let b = 0; b < BATCHES; b++)
          await appendBatch(
            table,
            { kind: "append", partitionColumns: ["ws"] },
            { sql: `SELECT 'ws' || (range % 3) AS ws, ${w * 1000 + b * 100} + range AS id FROM range(10)` },
            { appId: `w${w}`, version: b },
          );
      }),
    );
    const table = tables[0] as Table;
    await expectLinearHistory(table, WRITERS * BATCHES);
    const ids = (await readRows(table, { orderBy: "id" })).map((r) => Number(r.id));
    expect(ids).toEqual(
      Array.from({ length: WRITERS }, (_, w) =>
        Array.from({ length: BATCHES }, (_, b) =>
          Array.from({ length: 10 }, (_, i) => w * 1000 + b * 100 + i),
        ),
      )
        .flat(2)
        .sort((a, b) => a - b),
    );
  });

  it.each([
    ["copy-on-write", false],
    ["deletion vectors", true],
  ])(
    "merges into the same partitions from several writers at once: the LWW result, nothing lost (%s)",
    async (_, dv) => {
      const tables = await tablePerWriter(`merges-${dv}`);
      const config = {
        kind: "merge",
        primaryKey: ["id"],
        partitionColumns: ["ws"],
        maxRowsPerFile: 8,
        deletionVectors: dv,
      } as const;
      // Writer w, batch b: keys 0..19 in two partitions, version w*BATCHES+b (so the last writer's last batch wins
      // every key it sends), plus keys only this writer owns.
      const batchSql = (w: number, b: number) =>
        `SELECT 'ws' || (range % 2) AS ws, range AS id, 'w${w}b${b}' AS val, 0::BIGINT AS _generation, ` +
        `${w * BATCHES + b}::BIGINT AS _version, false AS _is_tombstone, 'h' AS _payload_hash FROM range(20) ` +
        `UNION ALL SELECT 'ws0', ${1000 + w * 100 + b}, 'own', 0, 0, false, 'h'`;
      const results = await Promise.all(
        tables.map(async (table, w) => {
          const out = [];
          for (let b = 0; b < BATCHES; b++)
            out.push(
              await mergeBatch(table, config, { sql: batchSql(w, b) }, { appId: `w${w}`, version: b }),
            );
          return out;
        }),
      );
      const table = tables[0] as Table;
      expect(results.flat().every((r) => r.status === "committed")).toBe(true);
      await expectLinearHistory(table, WRITERS * BATCHES);
      const rows = await readRows(table, { orderBy: "id" });
      const last = `w${WRITERS - 1}b${BATCHES - 1}`;
      expect(rows.filter((r) => Number(r.id) < 20).map((r) => `${r.id}:${r.val}`)).toEqual(
        Array.from({ length: 20 }, (_, i) => `${i}:${last}`),
      );
      expect(rows.filter((r) => r.val === "own")).toHaveLength(WRITERS * BATCHES);
      expect(rows).toHaveLength(20 + WRITERS * BATCHES);
      expect((await loadSnapshot(table)).txns.size).toBe(WRITERS);
    },
  );
});
