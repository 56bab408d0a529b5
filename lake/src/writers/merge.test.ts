import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InvalidBatchError, InvalidTableConfigError, TableNotFoundError } from "../errors.js";
import { readRows } from "../io/read-table.js";
import { loadSnapshot } from "../table/load-snapshot.js";
import { type TempLake, tempLake } from "../testing/temp-lake.js";
import { mergeBatch } from "./merge.js";
import type { MergeConfig } from "./writer-config.js";

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
  val: "VARCHAR",
  _generation: "BIGINT",
  _version: "BIGINT",
  _is_tombstone: "BOOLEAN",
  _payload_hash: "VARCHAR",
};
const config: MergeConfig = { kind: "merge", primaryKey: ["id"], partitionColumns: ["ws"] };
type Rec = {
  ws?: string;
  id: number;
  val: string | null;
  gen?: number;
  ver: number;
  tomb?: boolean;
  hash?: string;
};
const row = (r: Rec) => ({
  ws: r.ws ?? "a",
  id: r.id,
  val: r.val,
  _generation: r.gen ?? 0,
  _version: r.ver,
  _is_tombstone: r.tomb ?? false,
  _payload_hash: r.hash ?? `h-${r.val}`,
});
const values = async (path = "t") =>
  (await readRows(lake.open(path), { orderBy: "ws, id" })).map(
    (r) => `${r.ws}/${r.id}=${r.val}${r._is_tombstone ? "†" : ""}`,
  );

describe("mergeBatch", () => {
  it("upserts on the key: the greatest (generation, version) wins whatever the order, within and across batches", async () => {
    const table = lake.open("t");
    await mergeBatch(
      table,
      config,
      {
        rows: [
          row({ id: 1, val: "v2", ver: 2 }),
          row({ id: 1, val: "v3", ver: 3 }),
          row({ id: 1, val: "v1", ver: 1 }),
          row({ id: 2, val: "g1v0", gen: 1, ver: 0 }),
          row({ id: 2, val: "g0v9", gen: 0, ver: 9 }),
          row({ ws: "b", id: 1, val: "other partition", ver: 1 }),
        ],
        columns,
      },
      { appId: "m", version: 1 },
    );
    expect(await values()).toEqual(["a/1=v3", "a/2=g1v0", "b/1=other partition"]);
    await mergeBatch(
      table,
      config,
      {
        rows: [
          row({ id: 1, val: "stale", ver: 2 }),
          row({ id: 2, val: "g1v1", gen: 1, ver: 1 }),
          row({ id: 3, val: "new", ver: 1 }),
        ],
      },
      { appId: "m", version: 2 },
    );
    expect(await values()).toEqual(["a/1=v3", "a/2=g1v1", "a/3=new", "b/1=other partition"]);
  });

  it("breaks ties with the tombstone first, then the greater payload hash, and keeps tombstones as rows", async () => {
    const table = lake.open("t");
    await mergeBatch(
      table,
      config,
      {
        rows: [
          row({ id: 1, val: "x", ver: 5, hash: "aa" }),
          row({ id: 1, val: "y", ver: 5, hash: "bb" }),
          row({ id: 2, val: "alive", ver: 5 }),
          row({ id: 2, val: null, ver: 5, tomb: true, hash: "00" }),
        ],
        columns,
      },
      { appId: "m", version: 1 },
    );
    expect(await values()).toEqual(["a/1=y", "a/2=null†"]);
    // A late, older update cannot bring the deleted row back.
    await mergeBatch(
      table,
      config,
      { rows: [row({ id: 2, val: "late", ver: 4 })] },
      { appId: "m", version: 2 },
    );
    expect(await values()).toEqual(["a/1=y", "a/2=null†"]);
  });

  it("rewrites only the files whose key range can hold a key of the batch", async () => {
    const table = lake.open("t");
    const clustered: MergeConfig = { ...config, maxRowsPerFile: 100 };
    await mergeBatch(
      table,
      clustered,
      {
        sql: "SELECT 'a' AS ws, range AS id, 'v' || range AS val, 0::BIGINT AS _generation, 1::BIGINT AS _version, false AS _is_tombstone, 'h' AS _payload_hash FROM range(1000)",
      },
      { appId: "m", version: 1 },
    );
    const before = await loadSnapshot(table);
    expect(before.files.size).toBe(10);
    const update = await mergeBatch(
      table,
      clustered,
      {
        rows: [
          row({ id: 250, val: "new", ver: 2 }),
          row({ id: 260, val: "new", ver: 2 }),
          row({ id: 5000, val: "insert", ver: 1 }),
        ],
      },
      { appId: "m", version: 2 },
    );
    expect(update).toMatchObject({ status: "committed", filesRemoved: 1, rowsWritten: 101 });
    const stale = await mergeBatch(
      table,
      clustered,
      { rows: [row({ id: 7, val: "stale", ver: 0 })] },
      { appId: "m", version: 3 },
    );
    expect(stale).toMatchObject({ status: "committed", filesRemoved: 0, filesAdded: 0, rowsWritten: 0 });
    const rows = await readRows(table, { orderBy: "id" });
    expect(rows).toHaveLength(1001);
    expect(rows.filter((r) => r.val === "new").map((r) => r.id)).toEqual(["250", "260"]);
    expect((await loadSnapshot(table)).txns.get("m")?.version).toBe(3);
  });

  it("merges an empty batch as a txn-only commit", async () => {
    const table = lake.open("t");
    await mergeBatch(
      table,
      config,
      { rows: [row({ id: 1, val: "v", ver: 1 })], columns },
      { appId: "m", version: 1 },
    );
    const empty = await mergeBatch(table, config, { rows: [] }, { appId: "m", version: 2 });
    expect(empty).toMatchObject({ status: "committed", filesAdded: 0, filesRemoved: 0 });
    expect(await values()).toEqual(["a/1=v"]);
  });

  it("creates no table when the first batch is refused", async () => {
    const table = lake.open("t");
    const { _payload_hash: _, ...noHash } = columns;
    await expect(
      mergeBatch(
        table,
        config,
        { rows: [row({ id: 1, val: "v", ver: 1 })], columns: noHash },
        { appId: "m", version: 1 },
      ),
    ).rejects.toThrow(/LWW payloadHash column "_payload_hash" is not in the table/);
    await expect(loadSnapshot(table)).rejects.toThrow(TableNotFoundError);
  });

  it("makes a replayed batch a no-op", async () => {
    const table = lake.open("t");
    const batch = { rows: [row({ id: 1, val: "v", ver: 1 })], columns };
    await mergeBatch(table, config, batch, { appId: "m", version: 7 });
    expect((await mergeBatch(table, config, batch, { appId: "m", version: 7 })).status).toBe("skipped");
    // Version 0 created the table, version 1 holds the batch; the replay added nothing.
    expect((await loadSnapshot(table)).version).toBe(1);
  });

  it("refuses NULL keys and versions, and missing LWW columns, committing nothing", async () => {
    const table = lake.open("t");
    await mergeBatch(
      table,
      config,
      { rows: [row({ id: 1, val: "v", ver: 1 })], columns },
      { appId: "m", version: 1 },
    );
    const nullKey = { ...row({ id: 0, val: "v", ver: 1 }), id: null };
    await expect(mergeBatch(table, config, { rows: [nullKey] }, { appId: "m", version: 2 })).rejects.toThrow(
      InvalidBatchError,
    );
    await expect(mergeBatch(table, config, { rows: [nullKey] }, { appId: "m", version: 2 })).rejects.toThrow(
      /NULL in "id"/,
    );
    await expect(
      mergeBatch(
        table,
        { ...config, lww: { version: "seq" } },
        { rows: [row({ id: 1, val: "v", ver: 1 })] },
        { appId: "m", version: 2 },
      ),
    ).rejects.toThrow(InvalidTableConfigError);
    await expect(
      mergeBatch(
        table,
        { ...config, partitionColumns: [] },
        { rows: [row({ id: 1, val: "v", ver: 1 })] },
        { appId: "m", version: 2 },
      ),
    ).rejects.toThrow(/partition columns \[\], the table has \["ws"\]/);
    expect((await loadSnapshot(table)).version).toBe(1);
  });
});
