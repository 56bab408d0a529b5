import type { ObjectStore, PutOptions } from "@facsimile/object-store";
import { ObjectStoreError } from "@facsimile/object-store";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CommitConflictError, TableExistsError } from "../errors.js";
import { type TempLake, tempLake } from "../testing/temp-lake.js";
import type { Action, AddAction } from "./actions.js";
import { commit } from "./commit.js";
import { createTable, schemaFromColumns } from "./create-table.js";
import { loadSnapshot } from "./load-snapshot.js";
import { commitKey } from "./log-paths.js";
import { listLog, readCommit } from "./read-log.js";
import type { Table } from "./table.js";

let lake: TempLake;
beforeEach(async () => {
  lake = await tempLake();
});
afterEach(async () => {
  await lake.close();
});

const file = (name: string, ws = "a"): AddAction => ({
  path: `ws=${ws}/${name}.parquet`,
  partitionValues: { ws },
  size: 100,
  modificationTime: 1,
  dataChange: true,
});

async function newTable(path = "t"): Promise<Table> {
  const table = lake.open(path);
  await createTable(table, {
    schema: await schemaFromColumns(table, { ws: "VARCHAR", v: "BIGINT" }),
    partitionColumns: ["ws"],
  });
  return table;
}

describe("commit", () => {
  it("creates version 0 with protocol 1/2 and metaData, then commits the next versions in order", async () => {
    const table = await newTable();
    expect((await commit(table, 0, [{ add: file("f1") }])).version).toBe(1);
    expect((await commit(table, 1, [{ add: file("f2") }])).version).toBe(2);
    const v0 = await readCommit(table, 0);
    expect(v0).toContainEqual({ protocol: { minReaderVersion: 1, minWriterVersion: 2 } });
    const snapshot = await loadSnapshot(table);
    expect(snapshot.version).toBe(2);
    expect([...snapshot.files.keys()].sort()).toEqual(["ws=a/f1.parquet", "ws=a/f2.parquet"]);
  });

  it("places a commit that lost the race without a logical conflict at the next free version", async () => {
    const table = await newTable();
    await commit(table, 0, [{ add: file("f1") }]);
    const result = await commit(table, 0, [{ add: file("f2") }]);
    expect(result).toMatchObject({ version: 2, attempts: 2 });
    expect((await loadSnapshot(table)).files.size).toBe(2);
  });

  it("refuses to remove a file another commit removed, and writes nothing", async () => {
    const table = await newTable();
    await commit(table, 0, [{ add: file("f1") }]);
    const remove: Action = {
      remove: { path: "ws=a/f1.parquet", dataChange: true, partitionValues: { ws: "a" } },
    };
    await commit(table, 1, [remove, { add: file("f2") }], { read: { partitions: [{ ws: "a" }] } });
    const err = await commit(table, 1, [remove, { add: file("f3") }], { read: { partitions: [] } }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CommitConflictError);
    expect((err as CommitConflictError).reason).toBe("files-removed-by-both");
    expect((err as CommitConflictError).retriable).toBe(true);
    expect((await loadSnapshot(table)).version).toBe(2);
  });

  it("refuses a commit whose txn app id committed concurrently", async () => {
    const table = await newTable();
    await commit(table, 0, [{ add: file("f1") }, { txn: { appId: "app", version: 1 } }]);
    const err = await commit(table, 0, [{ add: file("f2") }, { txn: { appId: "app", version: 2 } }]).catch(
      (e: unknown) => e,
    );
    expect((err as CommitConflictError).reason).toBe("same-txn-app-id");
  });

  it("refuses a commit when a partition it read changed, not when another one did", async () => {
    const table = await newTable();
    await commit(table, 0, [{ add: file("f1", "b") }]);
    expect(
      (await commit(table, 0, [{ add: file("f2", "a") }], { read: { partitions: [{ ws: "a" }] } })).version,
    ).toBe(2);
    const err = await commit(table, 1, [{ add: file("f3", "a") }], {
      read: { partitions: [{ ws: "a" }] },
    }).catch((e: unknown) => e);
    expect((err as CommitConflictError).reason).toBe("read-partition-changed");
  });

  it("treats a second createTable with the same definition as a no-op and with another one as an error", async () => {
    const table = await newTable();
    const same = await createTable(table, {
      schema: await schemaFromColumns(table, { ws: "VARCHAR", v: "BIGINT" }),
      partitionColumns: ["ws"],
    });
    expect(same.version).toBe(0);
    await expect(
      createTable(table, {
        schema: await schemaFromColumns(table, { ws: "VARCHAR", v: "DOUBLE" }),
        partitionColumns: ["ws"],
      }),
    ).rejects.toThrow(TableExistsError);
    expect((await listLog(table)).commits.size).toBe(1);
  });

  it("gives a linear history when many writers commit at once", async () => {
    const table = await newTable();
    const writers = 8;
    const perWriter = 5;
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        // Each writer plans from the version it last saw; the others' commits are in other partitions.
        let seen = 0;
        for (let i = 0; i < perWriter; i++)
          seen = (
            await commit(
              table,
              seen,
              [{ add: file(`w${w}-${i}`, `p${w}`) }, { txn: { appId: `w${w}`, version: i } }],
              {
                read: { partitions: [{ ws: `p${w}` }] },
              },
            )
          ).version;
      }),
    );
    const listing = await listLog(table);
    expect([...listing.commits.keys()].sort((a, b) => a - b)).toEqual(
      Array.from({ length: writers * perWriter + 1 }, (_, v) => v),
    );
    const snapshot = await loadSnapshot(table);
    expect(snapshot.files.size).toBe(writers * perWriter);
    for (let w = 0; w < writers; w++) expect(snapshot.txns.get(`w${w}`)?.version).toBe(perWriter - 1);
  });

  it("settles an unknown put outcome by reading the commit file back", async () => {
    const table = await newTable();
    // The write lands but the caller sees an error, as after a timeout on a slow network.
    const flaky: ObjectStore = Object.create(lake.store, {
      putIfAbsent: {
        value: async (key: string, body: Uint8Array, options?: PutOptions) => {
          await lake.store.putIfAbsent(key, body, options);
          throw new ObjectStoreError("connection reset after the request was sent", { retriable: true });
        },
      },
    });
    const viaFlaky = lake.open("t", { store: flaky });
    expect((await commit(viaFlaky, 0, [{ add: file("f1") }])).version).toBe(1);
    expect(await lake.store.head(commitKey(table, 2))).toBeUndefined();
  });
});
