import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SchemaMismatchError, UnsupportedTypeError } from "../errors.js";
import { createTableView, readRows } from "../io/read-table.js";
import { writeDataFiles } from "../io/write-data-files.js";
import { loadSnapshot } from "../table/load-snapshot.js";
import { type TempLake, tempLake } from "../testing/temp-lake.js";
import { appendBatch } from "./append.js";

let lake: TempLake;
beforeEach(async () => {
  lake = await tempLake();
});
afterEach(async () => {
  await lake.close();
});

const columns = {
  ws: "VARCHAR",
  id: "BIGINT",
  at: "TIMESTAMPTZ",
  day: "DATE",
  tags: "VARCHAR[]",
  attrs: "STRUCT(k VARCHAR, n INTEGER)",
  score: "DOUBLE",
};

const rows = [
  {
    ws: "a",
    id: 1n,
    at: "2024-01-02T03:04:05.123456Z",
    day: "2024-01-02",
    tags: ["x", "y"],
    attrs: { k: "q", n: 1 },
    score: 0.5,
  },
  { ws: "b", id: 9007199254740993n, at: null, day: null, tags: [], attrs: null, score: null },
  {
    ws: "a",
    id: 3n,
    at: "1970-01-01T00:00:00Z",
    day: "1970-01-01",
    tags: null,
    attrs: { k: null, n: null },
    score: -1,
  },
];

async function parquetFiles(): Promise<string[]> {
  const keys: string[] = [];
  for await (const o of lake.store.list(""))
    if (o.key.endsWith(".parquet") && !o.key.includes("_delta_log")) keys.push(o.key);
  return keys;
}

describe("appendBatch", () => {
  it("appends rows verbatim, partitioned, with 64-bit integers, timestamps, lists and structs intact", async () => {
    const table = lake.open("t");
    const result = await appendBatch(
      table,
      { kind: "append", partitionColumns: ["ws"] },
      { rows, columns },
      { appId: "a", version: 1 },
    );
    expect(result).toMatchObject({
      status: "committed",
      version: 1,
      rowsInBatch: 3,
      rowsWritten: 3,
      filesAdded: 2,
    });
    expect(await readRows(table, { orderBy: "id" })).toEqual([
      {
        ws: "a",
        id: "1",
        at: "2024-01-02 03:04:05.123456+00",
        day: "2024-01-02",
        tags: ["x", "y"],
        attrs: { k: "q", n: 1 },
        score: 0.5,
      },
      {
        ws: "a",
        id: "3",
        at: "1970-01-01 00:00:00+00",
        day: "1970-01-01",
        tags: null,
        attrs: { k: null, n: null },
        score: -1,
      },
      { ws: "b", id: "9007199254740993", at: null, day: null, tags: [], attrs: null, score: null },
    ]);
    const snapshot = await loadSnapshot(table);
    expect(snapshot.schema.fields.map((f) => [f.name, f.type])).toEqual([
      ["ws", "string"],
      ["id", "long"],
      ["at", "timestamp"],
      ["day", "date"],
      ["tags", { type: "array", elementType: "string", containsNull: true }],
      [
        "attrs",
        {
          type: "struct",
          fields: [
            { name: "k", type: "string", nullable: true, metadata: {} },
            { name: "n", type: "integer", nullable: true, metadata: {} },
          ],
        },
      ],
      ["score", "double"],
    ]);
    const b = [...snapshot.files.values()].find((f) => f.partitionValues.ws === "b");
    // The bounds keep all 64 bits in the JSON text (a JS number could not hold 2^53 + 1).
    expect(b?.stats).toBe(
      '{"numRecords":1,"minValues":{"id":9007199254740993},"maxValues":{"id":9007199254740993},' +
        '"nullCount":{"id":0,"at":1,"day":1,"score":1}}',
    );
  });

  it("takes batches from a SQL query and from a table the caller filled", async () => {
    const table = lake.open("t");
    await appendBatch(
      table,
      { kind: "append" },
      { sql: "SELECT range AS n, 'r' || range AS s FROM range(5)" },
      { appId: "a", version: 1 },
    );
    await lake.connection.run(
      "CREATE TEMP TABLE caller_batch AS SELECT range + 5 AS n, 'r' || (range + 5) AS s FROM range(3)",
    );
    await appendBatch(table, { kind: "append" }, { table: "caller_batch" }, { appId: "a", version: 2 });
    // The caller's table is read in place and left alone.
    const left = await lake.connection.runAndReadAll("SELECT count(*)::INTEGER FROM caller_batch");
    expect(left.getRows()).toEqual([[3]]);
    const got = await readRows(table, { orderBy: "n" });
    expect(got.map((r) => r.n)).toEqual(["0", "1", "2", "3", "4", "5", "6", "7"]);
  });

  it("commits an empty batch as its txn alone, so the offset still moves", async () => {
    const table = lake.open("t");
    await appendBatch(table, { kind: "append" }, { sql: "SELECT 1 AS n" }, { appId: "p0", version: 1 });
    const empty = await appendBatch(table, { kind: "append" }, { rows: [] }, { appId: "p0", version: 2 });
    expect(empty).toMatchObject({ status: "committed", version: 2, filesAdded: 0, rowsWritten: 0 });
    expect((await loadSnapshot(table)).txns.get("p0")?.version).toBe(2);
    expect(await readRows(table)).toEqual([{ n: 1 }]);
  });

  it("leaves a data file invisible until a commit names it (a crash in between leaves an orphan)", async () => {
    const table = lake.open("t");
    await appendBatch(
      table,
      { kind: "append" },
      { sql: "SELECT 1::BIGINT AS n" },
      { appId: "a", version: 1 },
    );
    const snapshot = await loadSnapshot(table);
    const orphan = await writeDataFiles(table, snapshot.schema, [], "SELECT 2::BIGINT AS n");
    expect(orphan.adds).toHaveLength(1);
    expect(await parquetFiles()).toHaveLength(2);
    expect(await readRows(table)).toEqual([{ n: "1" }]);
  });

  it("serves any version of the table as a temp view", async () => {
    const table = lake.open("t");
    for (let v = 1; v <= 3; v++)
      await appendBatch(table, { kind: "append" }, { sql: `SELECT ${v} AS n` }, { appId: "a", version: v });
    await createTableView(table, "t_now");
    await createTableView(table, "t_v2", { version: 2 });
    const sums = await lake.connection.runAndReadAll(
      "SELECT (SELECT sum(n) FROM t_now)::INTEGER AS now, (SELECT sum(n) FROM t_v2)::INTEGER AS v2",
    );
    expect(sums.getRowObjectsJson()).toEqual([{ now: 6, v2: 3 }]);
  });

  it("does not commit a replayed txn twice", async () => {
    const table = lake.open("t");
    const batch = { sql: "SELECT 1 AS n" };
    expect(
      (await appendBatch(table, { kind: "append" }, batch, { appId: "kafka-p0", version: 41 })).status,
    ).toBe("committed");
    const again = await appendBatch(table, { kind: "append" }, batch, { appId: "kafka-p0", version: 41 });
    expect(again).toMatchObject({ status: "skipped", version: 1 });
    const older = await appendBatch(table, { kind: "append" }, batch, { appId: "kafka-p0", version: 40 });
    expect(older.status).toBe("skipped");
    expect(await readRows(table)).toHaveLength(1);
  });

  it("refuses a batch whose schema does not match, says how, and commits nothing", async () => {
    const table = lake.open("t");
    await appendBatch(
      table,
      { kind: "append" },
      { sql: "SELECT 1::BIGINT AS id, 'x' AS name" },
      { appId: "a", version: 1 },
    );
    const before = await parquetFiles();
    const err = await appendBatch(
      table,
      { kind: "append" },
      { sql: "SELECT 2::INTEGER AS id, 3 AS extra" },
      { appId: "a", version: 2 },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SchemaMismatchError);
    expect((err as Error).message).toContain('column "id" is integer, the table has long');
    expect((err as Error).message).toContain('column "name" (string) is missing');
    expect((err as Error).message).toContain('column "extra" (integer) is not in the table');
    expect((await loadSnapshot(table)).version).toBe(1);
    expect(await parquetFiles()).toEqual(before);
  });

  it("refuses a naive TIMESTAMP column with a hint to use TIMESTAMPTZ", async () => {
    const table = lake.open("t");
    await expect(
      appendBatch(
        table,
        { kind: "append" },
        { sql: "SELECT TIMESTAMP '2024-01-01' AS at" },
        { appId: "a", version: 1 },
      ),
    ).rejects.toThrow(UnsupportedTypeError);
    await expect(
      appendBatch(
        table,
        { kind: "append" },
        { sql: "SELECT TIMESTAMP '2024-01-01' AS at" },
        { appId: "a", version: 1 },
      ),
    ).rejects.toThrow(/cast it to TIMESTAMPTZ/);
  });

  it("keeps any partition value, null included, and reads it back from the log, not the path ('' is null)", async () => {
    const table = lake.open("t");
    const odd = ["a/b=c d%", "ü:x*?[", "NULL", null, ""];
    await appendBatch(
      table,
      { kind: "append", partitionColumns: ["p"] },
      { rows: odd.map((p, i) => ({ p, i })), columns: { p: "VARCHAR", i: "INTEGER" } },
      { appId: "a", version: 1 },
    );
    // The protocol serializes an empty string partition value as null: every engine reads it as NULL.
    expect(await readRows(table, { orderBy: "i" })).toEqual(
      odd.map((p, i) => ({ p: p === "" ? null : p, i })),
    );
    expect([...(await loadSnapshot(table)).files.values()].map((a) => a.partitionValues.p)).toContain(null);
    const paths = [...(await loadSnapshot(table)).files.keys()];
    expect(paths.every((p) => /^p=[A-Za-z0-9%._-]*\/part-[0-9a-f-]+\.zstd\.parquet$/.test(p))).toBe(true);
  });

  it("puts each partition's files under the KMS key the writer names for it", async () => {
    const table = lake.open("t");
    await appendBatch(
      table,
      { kind: "append", partitionColumns: ["ws"], kmsKeyIdFor: (p) => `key-${p.ws}` },
      { sql: "SELECT 'w' || (range % 2) AS ws, range AS n FROM range(4)" },
      { appId: "a", version: 1 },
    );
    for (const [path, add] of (await loadSnapshot(table)).files) {
      const info = await lake.store.head(`t/${path}`);
      expect(info?.kmsKeyId).toBe(`key-${add.partitionValues.ws}`);
    }
  });

  it("splits a partition into files of at most maxRowsPerFile rows, sorted by clusterBy", async () => {
    const table = lake.open("t");
    await appendBatch(
      table,
      { kind: "append", partitionColumns: ["ws"], maxRowsPerFile: 100, clusterBy: ["n"] },
      { sql: "SELECT 'w' || (range % 2) AS ws, (997 * range) % 1000 AS n FROM range(1000)" },
      { appId: "a", version: 1 },
    );
    const files = [...(await loadSnapshot(table)).files.values()];
    expect(files.length).toBeGreaterThanOrEqual(10);
    const ranges = files.map(
      (f) =>
        JSON.parse(f.stats ?? "{}") as {
          numRecords: number;
          minValues: { n: number };
          maxValues: { n: number };
        },
    );
    expect(Math.max(...ranges.map((r) => r.numRecords))).toBeLessThanOrEqual(100);
    // Sorted files cover disjoint key ranges within a partition.
    for (const ws of ["w0", "w1"]) {
      const mine = ranges
        .filter((_, i) => files[i]?.partitionValues.ws === ws)
        .sort((a, b) => a.minValues.n - b.minValues.n);
      for (let i = 1; i < mine.length; i++)
        expect(mine[i]?.minValues.n).toBeGreaterThan(mine[i - 1]?.maxValues.n ?? 0);
    }
  });

  it("with a unique key appends each key once per partition: duplicates in a batch and redeliveries later", async () => {
    const table = lake.open("u");
    const config = {
      kind: "append",
      partitionColumns: ["ws"],
      uniqueKey: ["id", "v"],
    } as const;
    const batch = (pairs: readonly [string, number, number, string][]) => ({
      rows: pairs.map(([ws, id, v, note]) => ({ ws, id, v, note })),
      columns: { ws: "VARCHAR", id: "INTEGER", v: "INTEGER", note: "VARCHAR" },
    });
    const first = await appendBatch(
      table,
      config,
      batch([
        ["a", 1, 1, "x"],
        ["a", 1, 1, "x"],
        ["a", 1, 2, "y"],
        ["b", 1, 1, "z"],
      ]),
      { appId: "a", version: 1 },
    );
    expect(first).toMatchObject({ status: "committed", rowsWritten: 3 });
    // A later batch with keys the table holds (one in another partition is a new row) and a new one.
    const second = await appendBatch(
      table,
      config,
      batch([
        ["a", 1, 2, "y"],
        ["b", 1, 1, "z"],
        ["b", 1, 2, "w"],
        ["c", 1, 1, "x"],
      ]),
      { appId: "a", version: 2 },
    );
    expect(second).toMatchObject({ status: "committed", rowsWritten: 2 });
    // Everything known already: the txn is committed with no file.
    const third = await appendBatch(table, config, batch([["a", 1, 1, "x"]]), { appId: "a", version: 3 });
    expect(third).toMatchObject({ status: "committed", rowsWritten: 0, filesAdded: 0 });
    const got = await readRows(table, { orderBy: "ws, id, v" });
    expect(got.map((r) => `${r.ws}/${r.id}/${r.v}/${r.note}`)).toEqual([
      "a/1/1/x",
      "a/1/2/y",
      "b/1/1/z",
      "b/1/2/w",
      "c/1/1/x",
    ]);
    expect((await loadSnapshot(table)).version).toBe(3);
  });

  it("with a unique key two writers of one new key write it once", async () => {
    const a = lake.open("r");
    const config = { kind: "append", partitionColumns: ["ws"], uniqueKey: ["id"] } as const;
    const columns = { ws: "VARCHAR", id: "INTEGER" };
    await appendBatch(a, config, { rows: [{ ws: "a", id: 0 }], columns }, { appId: "x", version: 1 });
    // Whichever commits second has read partition a (at its snapshot or, after a conflict, at the next): it skips 7.
    const results = await Promise.all(
      ["p", "q"].map((appId) =>
        appendBatch(lake.open("r"), config, { rows: [{ ws: "a", id: 7 }], columns }, { appId, version: 1 }),
      ),
    );
    expect(results.map((r) => r.rowsWritten).sort()).toEqual([0, 1]);
    expect((await readRows(a, { orderBy: "id" })).map((r) => r.id)).toEqual([0, 7]);
  });

  it("counts a caller's table: split when it may exceed maxRowsPerFile, one file per partition when it cannot", async () => {
    await lake.connection.run(
      "CREATE TABLE big AS SELECT 'w' || (range % 2) AS ws, range AS n FROM range(300); " +
        "CREATE TABLE small AS SELECT 'w' || (range % 2) AS ws, range AS n FROM range(80)",
    );
    const config = {
      kind: "append" as const,
      partitionColumns: ["ws"],
      maxRowsPerFile: 100,
      clusterBy: ["n"],
    };
    const big = lake.open("big");
    await appendBatch(big, config, { table: "big" }, { appId: "a", version: 1 });
    const bigFiles = [...(await loadSnapshot(big)).files.values()];
    const records = (f: { stats?: string }) =>
      (JSON.parse(f.stats ?? "{}") as { numRecords: number }).numRecords;
    expect(Math.max(...bigFiles.map(records))).toBeLessThanOrEqual(100);
    expect(bigFiles.map(records).reduce((a, b) => a + b, 0)).toBe(300);
    const small = lake.open("small");
    await appendBatch(small, config, { table: "small" }, { appId: "a", version: 1 });
    const smallFiles = [...(await loadSnapshot(small)).files.values()];
    expect(smallFiles.map((f) => [f.partitionValues.ws, records(f)]).sort()).toEqual([
      ["w0", 40],
      ["w1", 40],
    ]);
  });
});
