import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  AppendOnlyViolationError,
  ConstraintViolationError,
  UnsupportedTableFeatureError,
} from "../errors.js";
import { readRows } from "../io/read-table.js";
import type { Action, AddAction } from "../table/actions.js";
import { commit } from "../table/commit.js";
import { createTable, schemaFromColumns } from "../table/create-table.js";
import { loadSnapshot } from "../table/load-snapshot.js";
import type { Table } from "../table/table.js";
import { type TempLake, tempLake } from "../testing/temp-lake.js";
import { appendBatch } from "./append.js";
import { mergeBatch } from "./merge.js";
import type { MergeConfig } from "./writer-config.js";

let lake: TempLake;
beforeEach(async () => {
  lake = await tempLake();
});
afterEach(async () => {
  await lake.close();
});

const lwwColumns = {
  _generation: "BIGINT",
  _version: "BIGINT",
  _is_tombstone: "BOOLEAN",
  _payload_hash: "VARCHAR",
};
const lww = (ver: number) => ({
  _generation: 0,
  _version: ver,
  _is_tombstone: false,
  _payload_hash: `h${ver}`,
});

/** Commits the live files again with other partition value spellings, as another engine would have written them. */
async function respell(table: Table, spell: (v: string | null) => string | null): Promise<void> {
  const snapshot = await loadSnapshot(table);
  const actions: Action[] = [];
  for (const add of snapshot.files.values()) {
    const pv = Object.fromEntries(Object.entries(add.partitionValues).map(([k, v]) => [k, spell(v)]));
    actions.push({ remove: { path: add.path, dataChange: false, partitionValues: add.partitionValues } });
    actions.push({ add: { ...add, partitionValues: pv, dataChange: false } satisfies AddAction });
  }
  await commit(table, snapshot.version, actions, { operation: "OPTIMIZE" });
}

describe("partition values per the protocol", () => {
  const config: MergeConfig = { kind: "merge", primaryKey: ["id"], partitionColumns: ["at"] };
  const columns = { at: "TIMESTAMPTZ", id: "BIGINT", v: "VARCHAR", ...lwwColumns };

  it("writes a timestamp partition value as 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC", async () => {
    const table = lake.open("t");
    await mergeBatch(
      table,
      config,
      { rows: [{ at: "2024-03-10 06:00:00.5+01", id: 1, v: "a", ...lww(1) }], columns },
      { appId: "m", version: 1 },
    );
    const [add] = [...(await loadSnapshot(table)).files.values()];
    expect(add?.partitionValues).toEqual({ at: "2024-03-10 05:00:00.500000" });
    expect(await readRows(table)).toMatchObject([{ at: "2024-03-10 05:00:00.5+00", id: "1", v: "a" }]);
  });

  it.each([
    ["Spark's short fraction", "2024-03-10 05:00:00.5"],
    ["ISO 8601 in UTC", "2024-03-10T05:00:00.500000Z"],
    ["an offset", "2024-03-10 06:00:00.500+01:00"],
  ])(
    "merges into a timestamp partition another engine spelled with %s, finding the existing key",
    async (_, text) => {
      const table = lake.open("t");
      await mergeBatch(
        table,
        config,
        { rows: [{ at: "2024-03-10 05:00:00.5+00", id: 1, v: "old", ...lww(1) }], columns },
        { appId: "m", version: 1 },
      );
      await respell(table, (v) => (v === null ? null : text));
      expect(await readRows(table)).toMatchObject([{ at: "2024-03-10 05:00:00.5+00", v: "old" }]);
      await mergeBatch(
        table,
        config,
        { rows: [{ at: "2024-03-10 05:00:00.5+00", id: 1, v: "new", ...lww(2) }] },
        { appId: "m", version: 2 },
      );
      expect(await readRows(table)).toMatchObject([{ at: "2024-03-10 05:00:00.5+00", id: "1", v: "new" }]);
    },
  );

  it("treats an empty string partition value as null, in the log and when merging (no second row)", async () => {
    const table = lake.open("t");
    const cfg: MergeConfig = { kind: "merge", primaryKey: ["id"], partitionColumns: ["ws"] };
    const cols = { ws: "VARCHAR", id: "BIGINT", v: "VARCHAR", ...lwwColumns };
    await mergeBatch(
      table,
      cfg,
      { rows: [{ ws: "", id: 1, v: "first", ...lww(1) }], columns: cols },
      { appId: "m", version: 1 },
    );
    expect([...(await loadSnapshot(table)).files.values()][0]?.partitionValues).toEqual({ ws: null });
    // An older table of ours (or another writer) may still say "": the same partition.
    await respell(table, () => "");
    await mergeBatch(
      table,
      cfg,
      { rows: [{ ws: "", id: 1, v: "second", ...lww(2) }] },
      { appId: "m", version: 2 },
    );
    await mergeBatch(
      table,
      cfg,
      { rows: [{ ws: null, id: 1, v: "third", ...lww(3) }] },
      { appId: "m", version: 3 },
    );
    expect(await readRows(table)).toMatchObject([{ ws: null, id: "1", v: "third" }]);
  });
});

describe("writer rules of the table's metadata", () => {
  async function newTable(configuration: Record<string, string>, metadata: Record<string, unknown> = {}) {
    const table = lake.open("t");
    const schema = await schemaFromColumns(table, { id: "BIGINT", v: "INTEGER", ...lwwColumns });
    await createTable(table, {
      schema: {
        ...schema,
        fields: schema.fields.map((f) => (f.name === "v" ? { ...f, metadata } : f)),
      },
      partitionColumns: [],
      configuration,
    });
    return table;
  }
  const merge: MergeConfig = { kind: "merge", primaryKey: ["id"] };

  it("never commits a remove on an append-only table: appends pass, an update is refused", async () => {
    const table = await newTable({ "delta.appendOnly": "true" });
    await mergeBatch(table, merge, { rows: [{ id: 1, v: 1, ...lww(1) }] }, { appId: "m", version: 1 });
    await appendBatch(
      table,
      { kind: "append" },
      { rows: [{ id: 2, v: 2, ...lww(1) }] },
      { appId: "a", version: 1 },
    );
    const before = await loadSnapshot(table);
    const err = await mergeBatch(
      table,
      merge,
      { rows: [{ id: 1, v: 9, ...lww(2) }] },
      { appId: "m", version: 2 },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppendOnlyViolationError);
    expect((err as Error).message).toContain("delta.appendOnly=true");
    expect((await loadSnapshot(table)).version).toBe(before.version);
    expect((await readRows(table, { orderBy: "id" })).map((r) => r.v)).toEqual([1, 2]);
  });

  it("refuses a batch breaking a CHECK constraint, naming it and the rows, and commits nothing", async () => {
    const table = await newTable({ "delta.constraints.v_positive": "`v` > 0" });
    await appendBatch(
      table,
      { kind: "append" },
      { rows: [{ id: 1, v: 1, ...lww(1) }] },
      { appId: "a", version: 1 },
    );
    const err = await appendBatch(
      table,
      { kind: "append" },
      {
        rows: [
          { id: 2, v: 5, ...lww(1) },
          { id: 3, v: -1, ...lww(1) },
          { id: 4, v: null, ...lww(1) },
        ],
      },
      { appId: "a", version: 2 },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConstraintViolationError);
    expect((err as ConstraintViolationError).constraint).toBe('CHECK constraint "v_positive"');
    expect((err as ConstraintViolationError).rows.map((r) => r.id).sort()).toEqual(["3", "4"]);
    expect((await readRows(table)).length).toBe(1);
  });

  it("honours a column invariant and NOT NULL columns", async () => {
    const table = await newTable(
      {},
      { "delta.invariants": JSON.stringify({ expression: { expression: "v < 10" } }) },
    );
    const err = await mergeBatch(
      table,
      merge,
      { rows: [{ id: 1, v: 11, ...lww(1) }] },
      { appId: "m", version: 1 },
    ).catch((e: unknown) => e);
    expect((err as ConstraintViolationError).constraint).toBe('invariant of column "v"');
    const snapshot = await loadSnapshot(table);
    const schema = {
      ...snapshot.schema,
      fields: snapshot.schema.fields.map((f) =>
        f.name === "v" ? { ...f, nullable: false, metadata: {} } : f,
      ),
    };
    await commit(table, snapshot.version, [
      { metaData: { ...snapshot.metadata, schemaString: JSON.stringify(schema) } },
    ]);
    const nulls = await mergeBatch(
      table,
      merge,
      { rows: [{ id: 1, v: null, ...lww(1) }] },
      { appId: "m", version: 1 },
    ).catch((e: unknown) => e);
    expect((nulls as ConstraintViolationError).constraint).toBe('NOT NULL column "v"');
  });

  it("refuses to write a table whose change data feed is on, naming the feature", async () => {
    const table = await newTable({ "delta.enableChangeDataFeed": "true" });
    const err = await appendBatch(
      table,
      { kind: "append" },
      { rows: [{ id: 1, v: 1, ...lww(1) }] },
      { appId: "a", version: 1 },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnsupportedTableFeatureError);
    expect((err as Error).message).toContain("changeDataFeed");
  });
});
