import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  LogCorruptError,
  LogVersionMissingError,
  TableNotFoundError,
  VersionNotFoundError,
} from "../errors.js";
import { type TempLake, tempLake } from "../testing/temp-lake.js";
import type { Action } from "./actions.js";
import { commit } from "./commit.js";
import { createTable, schemaFromColumns } from "./create-table.js";
import { loadSnapshot, versionAtTimestamp } from "./load-snapshot.js";
import { checkpointKey, commitKey, lastCheckpointKey } from "./log-paths.js";
import { readCheckpoint } from "./read-checkpoint.js";
import { readCommit } from "./read-log.js";
import { SnapshotBuilder } from "./snapshot.js";
import type { Table } from "./table.js";

let lake: TempLake;
beforeEach(async () => {
  lake = await tempLake();
});
afterEach(async () => {
  await lake.close();
});

const add = (n: number): Action => ({
  add: {
    path: `ws=w${n % 3}/f${n}.parquet`,
    partitionValues: { ws: `w${n % 3}` },
    size: n,
    modificationTime: n,
    dataChange: true,
    stats: `{"numRecords":${n}}`,
  },
});
const remove = (n: number): Action => ({
  remove: {
    path: `ws=w${n % 3}/f${n}.parquet`,
    deletionTimestamp: Date.now(),
    dataChange: true,
    partitionValues: { ws: `w${n % 3}` },
    size: n,
  },
});

/** A table with `commits` commits after version 0: commit v adds file v and removes file v-2 when v is odd. */
async function history(commits: number): Promise<Table> {
  const table = lake.open("t");
  await createTable(table, {
    schema: await schemaFromColumns(table, { ws: "VARCHAR", v: "BIGINT" }),
    partitionColumns: ["ws"],
  });
  for (let v = 1; v <= commits; v++) {
    const actions = [add(v), { txn: { appId: "app", version: v } }];
    if (v % 2 === 1 && v > 2) actions.push(remove(v - 2));
    await commit(table, v - 1, actions);
  }
  return table;
}

/** Files without dataChange (checkpoints restate adds with dataChange=false). */
const files = (s: { files: ReadonlyMap<string, object> }) =>
  new Map(
    [...s.files].map(([k, { dataChange: _, ...rest }]: [string, { dataChange?: boolean }]) => [k, rest]),
  );

/** The snapshot by replaying every commit from 0, without checkpoints. */
async function replayAll(table: Table, version: number) {
  const builder = new SnapshotBuilder(table.url);
  for (let v = 0; v <= version; v++) builder.apply(await readCommit(table, v));
  return builder.build(version, 0);
}

describe("loadSnapshot", () => {
  it("writes a Parquet checkpoint every 10 commits and reads the same state through it", async () => {
    const table = await history(23);
    expect(await lake.store.head(checkpointKey(table, 10))).toBeDefined();
    expect(await lake.store.head(checkpointKey(table, 20))).toBeDefined();
    expect(await lake.store.head(checkpointKey(table, 23))).toBeUndefined();
    const hint = JSON.parse(new TextDecoder().decode(await lake.store.get(lastCheckpointKey(table))));
    expect(hint).toMatchObject({ version: 20 });
    const fromCheckpoint = await readCheckpoint(table, 20);
    expect(fromCheckpoint.filter((a) => "add" in a)).toHaveLength((await replayAll(table, 20)).files.size);
    const snapshot = await loadSnapshot(table);
    const expected = await replayAll(table, 23);
    expect(snapshot.version).toBe(23);
    expect(files(snapshot)).toEqual(files(expected));
    expect(snapshot.txns.get("app")?.version).toBe(23);
    expect([...snapshot.tombstones.keys()].sort()).toEqual([...expected.tombstones.keys()].sort());
  });

  it("reads the table as of an older version, before and after a checkpoint", async () => {
    const table = await history(12);
    for (const version of [0, 4, 10, 11]) {
      const snapshot = await loadSnapshot(table, { version });
      expect(snapshot.version).toBe(version);
      expect(files(snapshot)).toEqual(files(await replayAll(table, version)));
    }
    await expect(loadSnapshot(table, { version: 13 })).rejects.toThrow(VersionNotFoundError);
  });

  it("reads the table as of a timestamp", async () => {
    const table = lake.open("t");
    await createTable(table, {
      schema: await schemaFromColumns(table, { ws: "VARCHAR", v: "BIGINT" }),
      partitionColumns: ["ws"],
    });
    const stamps: number[] = [];
    for (let v = 1; v <= 3; v++) {
      await new Promise((r) => setTimeout(r, 15));
      await commit(table, v - 1, [add(v)]);
      stamps.push(Date.now());
      await new Promise((r) => setTimeout(r, 15));
    }
    expect(await versionAtTimestamp(table, stamps[1] as number)).toBe(2);
    const snapshot = await loadSnapshot(table, { timestamp: new Date(stamps[0] as number) });
    expect(snapshot.version).toBe(1);
    expect([...snapshot.files.keys()]).toEqual(["ws=w1/f1.parquet"]);
    await expect(loadSnapshot(table, { timestamp: 0 })).rejects.toThrow(
      /no version was committed at or before/,
    );
  });

  it("names the version of a corrupt commit file", async () => {
    const table = await history(5);
    await lake.store.put(commitKey(table, 3), new TextEncoder().encode('{"add": {"path": 1}}\n'));
    const err = await loadSnapshot(table).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LogCorruptError);
    expect((err as LogCorruptError).version).toBe(3);
    expect((err as Error).message).toMatch(/version 3 .*00000000000000000003\.json.*add\.path/);
    // The versions before it are still readable.
    expect((await loadSnapshot(table, { version: 2 })).version).toBe(2);
  });

  it("names the version of a missing commit file", async () => {
    const table = await history(14);
    await lake.store.delete(commitKey(table, 12));
    const err = await loadSnapshot(table).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LogVersionMissingError);
    expect((err as LogVersionMissingError).version).toBe(12);
    // A missing commit before the checkpoint only matters to time travel behind it.
    await lake.store.delete(commitKey(table, 5));
    expect((await loadSnapshot(table, { version: 11 })).version).toBe(11);
    await expect(loadSnapshot(table, { version: 7 })).rejects.toThrow(/version 5 .* is missing/);
  });

  it("replays the JSON commits past a corrupt checkpoint, and names its version when they are gone", async () => {
    const table = await history(11);
    const intact = await loadSnapshot(table);
    await lake.store.put(checkpointKey(table, 10), new TextEncoder().encode("not parquet"));
    const replayed = await loadSnapshot(table);
    expect(replayed.version).toBe(11);
    expect([...replayed.files.keys()].sort()).toEqual([...intact.files.keys()].sort());
    await lake.store.delete(commitKey(table, 3));
    const err = await loadSnapshot(table).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LogCorruptError);
    expect((err as LogCorruptError).version).toBe(10);
  });

  it("says there is no table where there is no log", async () => {
    await expect(loadSnapshot(lake.open("nothing"))).rejects.toThrow(TableNotFoundError);
  });
});
