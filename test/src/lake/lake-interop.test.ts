// Delta compatibility, checked by independent implementations: delta-rs (Python `deltalake`) and DuckDB's delta
// extension read the tables our writers make, and get the rows our reader gets: after appends, merges (files
// removed and rewritten), a checkpoint (with the commits before it gone), time travel, on disk and on S3.
import {
  appendBatch,
  loadSnapshot,
  type MergeConfig,
  mergeBatch,
  mergeExplodedBatch,
  openDuckDb,
  readRows,
  readTable,
  type Table,
} from "@facsimile/lake";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { services } from "../helpers.js";
import { ensureInterop, readDelta } from "../interop.js";
import { type LakeFixture, lakeFixture, rowSet } from "./lake-support.js";

let lake: LakeFixture;
beforeAll(async () => {
  ensureInterop();
  lake = await lakeFixture();
}, 15 * 60_000);
afterAll(async () => {
  await lake.close();
});

const mergeConfig: MergeConfig = {
  kind: "merge",
  primaryKey: ["id"],
  partitionColumns: ["ws"],
  maxRowsPerFile: 7,
};

/** Twelve merges: updates, inserts and tombstones over 3 partitions; a checkpoint lands at version 10. */
async function mergedTable(table: Table, config: MergeConfig = mergeConfig): Promise<void> {
  for (let b = 0; b < 12; b++)
    await mergeBatch(
      table,
      config,
      {
        sql:
          `SELECT 'ws' || (range % 3) AS ws, range AS id, TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_seconds(range * 1000 + ${b}) AS at, ` +
          `['t' || range, 'b${b}'] AS tags, {'n': range, 'b': ${b}} AS attrs, 'b${b}' AS val, 0::BIGINT AS _generation, ` +
          `${b}::BIGINT AS _version, ${b % 4 === 3} AS _is_tombstone, md5('${b}') AS _payload_hash FROM range(${b * 2}, ${b * 2 + 20})`,
      },
      { appId: "merge-stage", version: b },
    );
}

async function deltaRows(uri: string, options: { version?: number; s3?: boolean } = {}) {
  return readDelta(uri, {
    ...(options.version === undefined ? {} : { version: options.version }),
    appIds: ["merge-stage"],
    ...(options.s3 ? { s3: services().s3 } : {}),
  });
}

describe("delta-rs reads our tables", () => {
  it("gets our rows after merges, removes and a checkpoint, even with the commits before the checkpoint gone", async () => {
    const table = await lake.table(lake.local, "merged");
    await mergedTable(table);
    const uri = `${lake.local.root}/merged`;
    const ours = await readRows(table);
    const theirs = await deltaRows(uri);
    expect(theirs.table).toMatchObject({
      version: 12,
      partitionColumns: ["ws"],
      protocol: { minReaderVersion: 1, minWriterVersion: 2 },
      txnVersions: { "merge-stage": 11 },
      numRows: ours.length,
    });
    expect(theirs.table.schema.find((f) => f.name === "at")?.type).toBe("timestamp[us, tz=UTC]");
    expect(rowSet(theirs.rows)).toEqual(rowSet(ours));
    expect(ours.filter((r) => r._is_tombstone === true).length).toBeGreaterThan(0);
    const snapshot = await loadSnapshot(table);
    expect(theirs.table.files).toEqual(
      [...snapshot.files.values()].map((a) => decodeURIComponent(a.path)).sort(),
    );
    // Log cleanup removed everything before the checkpoint: both readers now depend on it.
    for (let v = 0; v < 10; v++)
      await lake.local.delete(`merged/_delta_log/${String(v).padStart(20, "0")}.json`);
    const afterCleanup = await deltaRows(uri);
    expect(afterCleanup.table.version).toBe(12);
    expect(rowSet(afterCleanup.rows)).toEqual(rowSet(ours));
    expect(rowSet(await readRows(table))).toEqual(rowSet(ours));
  });

  it("gets our rows of a table with deletion vectors, through its checkpoint too", async () => {
    const table = await lake.table(lake.local, "dv");
    await mergedTable(table, { ...mergeConfig, maxRowsPerFile: 40, deletionVectors: true });
    const snapshot = await loadSnapshot(table);
    expect([...snapshot.files.values()].filter((a) => a.deletionVector).length).toBeGreaterThan(0);
    const ours = await readRows(table);
    const theirs = await deltaRows(`${lake.local.root}/dv`);
    expect(theirs.table).toMatchObject({
      protocol: { minReaderVersion: 3, minWriterVersion: 7 },
      numRows: ours.length,
    });
    expect(rowSet(theirs.rows)).toEqual(rowSet(ours));
    for (let v = 0; v < 10; v++) await lake.local.delete(`dv/_delta_log/${String(v).padStart(20, "0")}.json`);
    expect(rowSet((await deltaRows(`${lake.local.root}/dv`)).rows)).toEqual(rowSet(ours));
  });

  it("time-travels to the same rows we read at an older version", async () => {
    const table = await lake.table(lake.local, "travel");
    await mergedTable(table);
    for (const version of [1, 4, 11]) {
      const theirs = await deltaRows(`${lake.local.root}/travel`, { version });
      expect(theirs.table.version).toBe(version);
      expect(rowSet(theirs.rows)).toEqual(rowSet(await readRows(table, { version })));
    }
  });

  it("gets our rows of an Append table with awkward partition values and 64-bit integers", async () => {
    const table = await lake.table(lake.local, "appended");
    const columns = { p: "VARCHAR", day: "DATE", big: "BIGINT", score: "DOUBLE", ok: "BOOLEAN" };
    const rows = [
      { p: "a/b=c d%", day: "2024-02-29", big: 9007199254740993n, score: 0.25, ok: true },
      { p: null, day: null, big: -1n, score: null, ok: false },
      { p: "ü:x", day: "1970-01-01", big: 0n, score: 1e300, ok: null },
    ];
    await appendBatch(
      table,
      { kind: "append", partitionColumns: ["p"] },
      { rows, columns },
      { appId: "sink", version: 1 },
    );
    await appendBatch(table, { kind: "append" }, { rows: rows.slice(0, 1) }, { appId: "sink", version: 2 });
    const theirs = await readDelta(`${lake.local.root}/appended`);
    expect(theirs.table.numRows).toBe(4);
    expect(rowSet(theirs.rows)).toEqual(rowSet(await readRows(table)));
  });

  it("gets our rows of a MergeExploded table", async () => {
    const table = await lake.table(lake.local, "exploded");
    for (let b = 0; b < 3; b++)
      await mergeExplodedBatch(
        table,
        { kind: "merge-exploded", parentKey: ["issue"], childKey: ["idx"], partitionColumns: ["ws"] },
        {
          sql:
            `SELECT 'ws' || (i % 2) AS ws, 'issue-' || i AS issue, idx::INTEGER AS idx, 'l' || idx || '-b${b}' AS label, ` +
            `0::BIGINT AS _generation, ${b}::BIGINT AS _version, false AS _is_tombstone, 'h${b}' AS _payload_hash ` +
            `FROM range(${b}, ${b + 6}) r(i), range(0, (i % 3) + 1) c(idx)`,
        },
        { appId: "x", version: b },
      );
    const ours = await readRows(table);
    const theirs = await readDelta(`${lake.local.root}/exploded`);
    expect(rowSet(theirs.rows)).toEqual(rowSet(ours));
  });

  it("reads a table on the real S3 server as we do", async () => {
    const store = lake.s3();
    const table = await lake.table(store, "merged");
    await mergedTable(table);
    const theirs = await deltaRows(`${store.url}/merged`, { s3: true });
    expect(theirs.table.version).toBe(12);
    expect(rowSet(theirs.rows)).toEqual(rowSet(await readRows(table)));
  });
});

describe("DuckDB's delta extension reads our tables", () => {
  it.each([
    ["copy-on-write", false],
    ["deletion vectors", true],
  ])("counts and sums the same rows as our reader, after merges and a checkpoint (%s)", async (_, dv) => {
    const table = await lake.table(lake.local, `for-duckdb-${dv}`);
    await mergedTable(table, { ...mergeConfig, maxRowsPerFile: dv ? 40 : 7, deletionVectors: dv });
    if (dv) expect([...(await loadSnapshot(table)).files.values()].some((a) => a.deletionVector)).toBe(true);
    const db = await openDuckDb({ extensions: ["delta"] });
    try {
      const query = (from: string) =>
        `SELECT count(*)::VARCHAR AS n, sum(id)::VARCHAR AS ids, count(*) FILTER (WHERE _is_tombstone)::VARCHAR AS tombs, ` +
        `string_agg(ws || ':' || id || ':' || val || ':' || epoch_us("at"), ',' ORDER BY id) AS all_rows FROM ${from}`;
      const theirs = (
        await db.connection.runAndReadAll(query(`delta_scan('${lake.local.root}/for-duckdb-${dv}')`))
      ).getRowObjectsJson();
      const ours = (
        await table.duckdb.runAndReadAll(query(`(${(await readTable(table)).sql})`))
      ).getRowObjectsJson();
      expect(theirs).toEqual(ours);
      expect(Number((theirs[0] as { n: string }).n)).toBeGreaterThan(20);
    } finally {
      db.close();
    }
  });
});
