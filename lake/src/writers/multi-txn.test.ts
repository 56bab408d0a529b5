import type { ObjectStore } from "@facsimile/object-store";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CommitConflictError, InvalidTableConfigError } from "../errors.js";
import { readRows } from "../io/read-table.js";
import { loadSnapshot } from "../table/load-snapshot.js";
import { readCommit } from "../table/read-log.js";
import { txnVersion } from "../table/snapshot.js";
import { type TempLake, tempLake } from "../testing/temp-lake.js";
import { appendBatch } from "./append.js";
import { TxnsPartlyCommittedError } from "./committed-txns.js";
import { mergeBatch } from "./merge.js";

let lake: TempLake;
beforeEach(async () => {
  lake = await tempLake();
});
afterEach(async () => {
  await lake.close();
});

const columns = { p: "INTEGER", id: "BIGINT" };
const batch = (p: number, ...ids: number[]) => ({ rows: ids.map((id) => ({ p, id })), columns });
const append = { kind: "append" } as const;
const ids = async (path = "t") =>
  (await readRows(lake.open(path), { orderBy: "id" })).map((r) => Number(r.id));

describe("writers with several txns", () => {
  it("records every txn in the one commit of the batch", async () => {
    const table = lake.open("t");
    const result = await appendBatch(table, append, batch(0, 1, 2, 3), [
      { appId: "sink:t:0", version: 10 },
      { appId: "sink:t:1", version: 7 },
      { appId: "sink:t:2", version: 0 },
    ]);
    expect(result).toMatchObject({ status: "committed", version: 1, rowsWritten: 3 });
    const snapshot = await loadSnapshot(table);
    expect(snapshot.version).toBe(1);
    expect(["sink:t:0", "sink:t:1", "sink:t:2"].map((a) => txnVersion(snapshot, a))).toEqual([10, 7, 0]);
    const actions = await readCommit(table, 1);
    expect(actions.flatMap((a) => ("txn" in a ? [`${a.txn.appId}@${a.txn.version}`] : []))).toEqual([
      "sink:t:0@10",
      "sink:t:1@7",
      "sink:t:2@0",
    ]);
    const info = actions.find((a) => "commitInfo" in a);
    expect(info !== undefined && "commitInfo" in info ? info.commitInfo.txns : undefined).toHaveLength(3);
  });

  it("skips a replay whose txns are all at or below the committed versions", async () => {
    const table = lake.open("t");
    const txns = [
      { appId: "a", version: 5 },
      { appId: "b", version: 9 },
    ];
    await appendBatch(table, append, batch(0, 1, 2), txns);
    const again = await appendBatch(table, append, batch(0, 1, 2), txns);
    expect(again).toMatchObject({ status: "skipped", version: 1, rowsWritten: 0 });
    const older = await appendBatch(table, append, batch(0, 3), [
      { appId: "a", version: 4 },
      { appId: "b", version: 9 },
    ]);
    expect(older.status).toBe("skipped");
    expect((await loadSnapshot(table)).version).toBe(1);
    expect(await ids()).toEqual([1, 2]);
  });

  it("refuses a batch only partly committed, writing nothing, and names both sides", async () => {
    const table = lake.open("t");
    await appendBatch(table, append, batch(0, 1), { appId: "a", version: 5 });
    const err = await appendBatch(table, append, batch(0, 1, 2), [
      { appId: "a", version: 5 },
      { appId: "b", version: 3 },
    ]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TxnsPartlyCommittedError);
    expect(err).toMatchObject({
      code: "TXNS_PARTLY_COMMITTED",
      retriable: false,
      committed: [{ appId: "a", version: 5 }],
      pending: [{ appId: "b", version: 3 }],
    });
    expect((await loadSnapshot(table)).version).toBe(1);
    expect(await ids()).toEqual([1]);
    // The caller filters: the pending txn alone goes through.
    const rest = await appendBatch(table, append, batch(0, 2), [{ appId: "b", version: 3 }]);
    expect(rest.status).toBe("committed");
    expect(await ids()).toEqual([1, 2]);
  });

  it("re-plans after a rival committed one of its appIds, then refuses the mixed state and leaves no files", async () => {
    const rivalConnection = await lake.instance.connect();
    try {
      const rival = lake.open("t", { connection: rivalConnection });
      await appendBatch(rival, append, batch(0, 0), { appId: "other", version: 1 });
      let raced = false;
      let rivalVersion = 3;
      // The rival's commit of appId "b" lands just before ours is placed.
      const store: ObjectStore = Object.create(lake.store, {
        putIfAbsent: {
          value: async (...args: Parameters<ObjectStore["putIfAbsent"]>) => {
            if (!raced && args[0].includes("_delta_log/")) {
              raced = true;
              await appendBatch(rival, append, batch(1, 9), { appId: "b", version: rivalVersion });
            }
            return lake.store.putIfAbsent(...args);
          },
        },
      });
      const table = lake.open("t", { store });
      const err = await appendBatch(table, append, batch(0, 1, 2), [
        { appId: "a", version: 5 },
        { appId: "b", version: 3 },
      ]).catch((e: unknown) => e);
      expect(raced).toBe(true);
      expect(err).toBeInstanceOf(TxnsPartlyCommittedError);
      expect(await ids()).toEqual([0, 9]);
      const snapshot = await loadSnapshot(table);
      const referenced = new Set([...snapshot.files.keys()]);
      for await (const o of lake.store.list("t/"))
        if (o.key.endsWith(".parquet")) expect(referenced.has(o.key.slice("t/".length))).toBe(true);

      // With one plan the lost race is the CommitConflictError of commit(), as for a single txn.
      raced = false;
      rivalVersion = 4;
      const once = await appendBatch(
        table,
        append,
        batch(0, 1, 2),
        [
          { appId: "a", version: 5 },
          { appId: "b", version: 4 },
        ],
        { maxPlans: 1 },
      ).catch((e: unknown) => e);
      expect(once).toBeInstanceOf(CommitConflictError);
      expect(once).toMatchObject({ reason: "same-txn-app-id" });
      expect(raced).toBe(true);
      expect(await ids()).toEqual([0, 9, 9]);
    } finally {
      rivalConnection.closeSync();
    }
  });

  it("refuses an empty txn list and an appId given twice", async () => {
    const table = lake.open("t");
    await expect(appendBatch(table, append, batch(0, 1), [])).rejects.toThrow(InvalidTableConfigError);
    await expect(
      appendBatch(table, append, batch(0, 1), [
        { appId: "a", version: 1 },
        { appId: "a", version: 2 },
      ]),
    ).rejects.toThrow(/appears twice/);
    await expect(loadSnapshot(table)).rejects.toThrow();
  });

  it("gives a merge writer the same skip logic", async () => {
    const table = lake.open("m");
    const config = { kind: "merge", primaryKey: ["id"] } as const;
    const rows = {
      rows: [{ id: 1, _generation: 0, _version: 1, _is_tombstone: false, _payload_hash: "h" }],
      columns: {
        id: "BIGINT",
        _generation: "BIGINT",
        _version: "BIGINT",
        _is_tombstone: "BOOLEAN",
        _payload_hash: "VARCHAR",
      },
    };
    const txns = [
      { appId: "x", version: 2 },
      { appId: "y", version: 2 },
    ];
    expect((await mergeBatch(table, config, rows, txns)).status).toBe("committed");
    expect((await mergeBatch(table, config, rows, txns)).status).toBe("skipped");
    await expect(
      mergeBatch(table, config, rows, [
        { appId: "x", version: 2 },
        { appId: "y", version: 3 },
      ]),
    ).rejects.toThrow(TxnsPartlyCommittedError);
    expect((await loadSnapshot(table)).version).toBe(1);
  });
});
