// Delta conformance both ways, with the engines a data team runs: Spark 3.5 + delta-spark 3.3 creates tables
// using the protocol's features (timestamp and empty-string partitions, schema evolution, INT96 timestamps,
// multi-part and v2 checkpoints with the commits before them gone, column mapping, timestamp_ntz, type widening,
// appendOnly, CHECK constraints) and we must read exactly Spark's rows, write where the features allow it and
// refuse by name where they do not; and after our writes Spark, delta-rs and DuckDB's delta extension read our
// rows. One Spark session serves the whole file (its start-up is the cost), statements are kept few.
import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import {
  AppendOnlyViolationError,
  appendBatch,
  ConstraintViolationError,
  type MergeConfig,
  mergeBatch,
  openDuckDb,
  readRows,
  readTable,
  type Table,
  UnsupportedTableFeatureError,
} from "@facsimile/lake";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Spark, startSpark } from "../engines.js";
import { ensureInterop, readDelta } from "../interop.js";
import { type LakeFixture, lakeFixture } from "./lake-support.js";

let lake: LakeFixture;
let spark: Spark;
beforeAll(async () => {
  ensureInterop();
  spark = startSpark();
  lake = await lakeFixture();
  await spark.sql("SELECT 1");
}, 20 * 60_000);
afterAll(async () => {
  await spark?.close();
  await lake?.close();
});

const TS = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/** One spelling of a value for every engine: numbers as strings, timestamps as epoch micros (ntz marked). */
function canon(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (typeof value === "string") {
    const m = TS.exec(value);
    if (m === null) return value;
    const zone = m[4] === undefined ? "Z" : m[4] === "Z" ? "Z" : m[4].length === 3 ? `${m[4]}:00` : m[4];
    const ms = Date.parse(`${m[1]}T${m[2]}${zone}`);
    const micros = BigInt(ms) * 1000n + BigInt((m[3] ?? "").padEnd(6, "0"));
    return `${m[4] === undefined ? "ntz" : "ts"}:${micros}`;
  }
  if (Array.isArray(value)) return value.map(canon);
  if (typeof value === "object")
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, canon(v)]),
    );
  return value;
}

const rowSet = (rows: readonly Record<string, unknown>[]) => rows.map((r) => JSON.stringify(canon(r))).sort();

const path = (name: string) => join(lake.local.root, name);
const sparkTable = (name: string) => `delta.\`${path(name)}\``;
const sparkRows = (name: string) => spark.rows(`SELECT * FROM ${sparkTable(name)}`);

async function duckdbRows(name: string): Promise<Record<string, unknown>[]> {
  const db = await openDuckDb({ extensions: ["delta"] });
  try {
    const reader = await db.connection.runAndReadAll(`SELECT * FROM delta_scan('${path(name)}')`);
    return reader.getRowObjectsJson() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

/** Every engine reads the rows we read. */
async function everyEngineAgrees(table: Table, name: string): Promise<void> {
  const ours = rowSet(await readRows(table));
  expect(rowSet(await sparkRows(name))).toEqual(ours);
  expect(rowSet((await readDelta(path(name))).rows)).toEqual(ours);
  expect(rowSet(await duckdbRows(name))).toEqual(ours);
}

/** Spark runs a statement in seconds on an idle machine, much longer on a busy one. */
const SPARK_TIMEOUT = 10 * 60_000;

const LWW_DDL = "_generation BIGINT, _version BIGINT, _is_tombstone BOOLEAN, _payload_hash STRING";
const lww = (version: number, tombstone = false) => ({
  _generation: 0,
  _version: version,
  _is_tombstone: tombstone,
  _payload_hash: `h${version}`,
});

describe("tables Spark wrote", () => {
  it(
    "timestamp and empty-string partitions: we read Spark's rows, and our merge updates the existing keys",
    async () => {
      const name = "spark-partitions";
      await spark.sql(
        `CREATE TABLE ${sparkTable(name)} (ws STRING, at TIMESTAMP, id BIGINT, v STRING, ${LWW_DDL}) USING delta PARTITIONED BY (at, ws)`,
      );
      await spark.sql(
        `INSERT INTO ${sparkTable(name)} VALUES ('', TIMESTAMP'2024-03-10 05:00:00.5', 1, 'a', 0, 1, false, 'h1'), ` +
          `('x', TIMESTAMP'2024-03-10 05:00:00', 2, 'b', 0, 1, false, 'h1'), ('y', NULL, 3, 'c', 0, 1, false, 'h1')`,
      );
      const table = await lake.table(lake.local, name);
      expect(rowSet(await readRows(table))).toEqual(rowSet(await sparkRows(name)));
      const config: MergeConfig = { kind: "merge", primaryKey: ["id"] };
      await mergeBatch(
        table,
        config,
        {
          rows: [
            { ws: "", at: "2024-03-10 05:00:00.5+00", id: 1, v: "a2", ...lww(2) },
            { ws: "x", at: "2024-03-10 05:00:00+00", id: 2, v: "b2", ...lww(2, true) },
            { ws: "y", at: null, id: 3, v: "c2", ...lww(2) },
            { ws: "x", at: "2024-03-10 05:00:00+00", id: 4, v: "d", ...lww(1) },
          ],
        },
        { appId: "m", version: 1 },
      );
      const ours = await readRows(table, { orderBy: "id" });
      expect(ours.map((r) => `${r.id}=${r.v}`)).toEqual(["1=a2", "2=b2", "3=c2", "4=d"]);
      await everyEngineAgrees(table, name);
    },
    SPARK_TIMEOUT,
  );

  it(
    "schema evolution, INT96 timestamps and a multi-part checkpoint whose earlier commits were cleaned",
    async () => {
      const name = "spark-evolved";
      await spark.sql(
        `CREATE TABLE ${sparkTable(name)} (id BIGINT, at TIMESTAMP) USING delta TBLPROPERTIES ('delta.checkpointInterval'='3')`,
      );
      await spark.sql(`INSERT INTO ${sparkTable(name)} VALUES (1, TIMESTAMP'2024-01-02 03:04:05.123456')`, {
        "spark.sql.parquet.outputTimestampType": "INT96",
      });
      await spark.sql(`ALTER TABLE ${sparkTable(name)} ADD COLUMNS (extra STRING)`);
      await spark.sql(`INSERT INTO ${sparkTable(name)} VALUES (2, TIMESTAMP'2024-05-06 07:08:09', 'e')`, {
        "spark.databricks.delta.checkpoint.partSize": "1",
        "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
      });
      const log = join(path(name), "_delta_log");
      const names = await readdir(log);
      expect(names.some((n) => /^0{19}3\.checkpoint\.\d{10}\.\d{10}\.parquet$/.test(n))).toBe(true);
      for (const n of names)
        if (/^0{20}|^0{19}[12]\./.test(n) && !n.includes("checkpoint")) await rm(join(log, n));
      const table = await lake.table(lake.local, name);
      const theirs = await sparkRows(name);
      expect(rowSet(await readRows(table))).toEqual(rowSet(theirs));
      expect(theirs.find((r) => r.id === 1)?.extra).toBeNull();
      await appendBatch(
        table,
        { kind: "append" },
        { rows: [{ id: 3, at: "2024-07-08 09:10:11.5+00", extra: "ours" }] },
        { appId: "a", version: 1 },
      );
      await everyEngineAgrees(table, name);
    },
    SPARK_TIMEOUT,
  );

  it(
    "protocol 3/7: column mapping (renamed column), timestamp_ntz; writing is refused by name",
    async () => {
      const name = "spark-mapped";
      await spark.sql(
        `CREATE TABLE ${sparkTable(name)} (id BIGINT, v INT, n TIMESTAMP_NTZ) USING delta TBLPROPERTIES ('delta.columnMapping.mode'='name')`,
      );
      await spark.sql(
        `INSERT INTO ${sparkTable(name)} VALUES (1, 10, TIMESTAMP_NTZ'2024-01-01 10:00:00.25')`,
      );
      await spark.sql(`ALTER TABLE ${sparkTable(name)} RENAME COLUMN v TO w`);
      await spark.sql(`INSERT INTO ${sparkTable(name)} VALUES (2, 20, NULL)`);
      const table = await lake.table(lake.local, name);
      const ours = await readRows(table, { orderBy: "id" });
      expect(Object.keys(ours[0] ?? {})).toEqual(["id", "w", "n"]);
      expect(rowSet(ours)).toEqual(rowSet(await sparkRows(name)));
      const err = await appendBatch(
        table,
        { kind: "append" },
        { rows: [{ id: 3, w: 30, n: null }] },
        { appId: "a", version: 1 },
      ).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UnsupportedTableFeatureError);
      expect((err as Error).message).toContain("columnMapping");
    },
    SPARK_TIMEOUT,
  );

  it(
    "type widening, column mapping by id and a v2 checkpoint",
    async () => {
      const name = "spark-widened";
      await spark.sql(
        `CREATE TABLE ${sparkTable(name)} (id BIGINT, s SMALLINT) USING delta TBLPROPERTIES (` +
          "'delta.enableTypeWidening'='true', 'delta.columnMapping.mode'='id', 'delta.checkpointPolicy'='v2', " +
          "'delta.checkpointInterval'='2')",
      );
      await spark.sql(`INSERT INTO ${sparkTable(name)} VALUES (1, 7)`);
      await spark.sql(`ALTER TABLE ${sparkTable(name)} CHANGE COLUMN s TYPE INT`);
      await spark.sql(`INSERT INTO ${sparkTable(name)} VALUES (2, 100000)`);
      const table = await lake.table(lake.local, name);
      const scan = await readTable(table);
      expect(scan.snapshot.protocol.readerFeatures).toEqual(expect.arrayContaining(["v2Checkpoint"]));
      expect(rowSet(await readRows(table))).toEqual(rowSet(await sparkRows(name)));
    },
    SPARK_TIMEOUT,
  );

  it(
    "appendOnly and a CHECK constraint set by Spark bind our writers",
    async () => {
      const name = "spark-rules";
      await spark.sql(
        `CREATE TABLE ${sparkTable(name)} (id BIGINT, v INT, ${LWW_DDL}) USING delta TBLPROPERTIES ('delta.appendOnly'='true')`,
      );
      await spark.sql(`ALTER TABLE ${sparkTable(name)} ADD CONSTRAINT v_positive CHECK (v > 0)`);
      const table = await lake.table(lake.local, name);
      const config: MergeConfig = { kind: "merge", primaryKey: ["id"] };
      await mergeBatch(table, config, { rows: [{ id: 1, v: 1, ...lww(1) }] }, { appId: "m", version: 1 });
      const update = await mergeBatch(
        table,
        config,
        { rows: [{ id: 1, v: 2, ...lww(2) }] },
        { appId: "m", version: 2 },
      ).catch((e: unknown) => e);
      expect(update).toBeInstanceOf(AppendOnlyViolationError);
      const bad = await mergeBatch(
        table,
        config,
        { rows: [{ id: 2, v: -5, ...lww(1) }] },
        { appId: "m", version: 2 },
      ).catch((e: unknown) => e);
      expect(bad).toBeInstanceOf(ConstraintViolationError);
      expect((bad as ConstraintViolationError).constraint).toContain("v_positive");
      expect(rowSet(await sparkRows(name))).toEqual(rowSet(await readRows(table)));
      expect((await readRows(table)).length).toBe(1);
    },
    SPARK_TIMEOUT,
  );
});

describe("tables we wrote", () => {
  it(
    "Spark, delta-rs and DuckDB read our timestamp- and string-partitioned table after merges and tombstones",
    async () => {
      const name = "ours-partitioned";
      const table = await lake.table(lake.local, name);
      const config: MergeConfig = { kind: "merge", primaryKey: ["id"], partitionColumns: ["at", "ws"] };
      const columns = {
        ws: "VARCHAR",
        at: "TIMESTAMPTZ",
        id: "BIGINT",
        v: "VARCHAR",
        _generation: "BIGINT",
        _version: "BIGINT",
        _is_tombstone: "BOOLEAN",
        _payload_hash: "VARCHAR",
      };
      for (let b = 1; b <= 3; b++)
        await mergeBatch(
          table,
          config,
          {
            rows: [
              { ws: "", at: "2024-03-10 05:00:00.5+00", id: 1, v: `a${b}`, ...lww(b) },
              { ws: "x", at: "2024-03-10 06:00:00+01", id: b + 1, v: `n${b}`, ...lww(b, b === 3) },
              { ws: null, at: null, id: 10, v: `z${b}`, ...lww(b) },
            ],
            columns,
          },
          { appId: "m", version: b },
        );
      const snapshot = (await readTable(table)).snapshot;
      const values = [...snapshot.files.values()].map((a) => a.partitionValues);
      expect(values).toContainEqual({ at: "2024-03-10 05:00:00.500000", ws: null });
      expect(values).toContainEqual({ at: "2024-03-10 05:00:00.000000", ws: "x" });
      expect((await readRows(table)).length).toBe(5);
      await everyEngineAgrees(table, name);
    },
    SPARK_TIMEOUT,
  );
});
