// A merge that keeps losing its partition to another engine's commits plans again, with backoff, for as long as
// its time budget lasts (not a fixed number of plans), and then lands exactly once.
import type { ObjectStore, PutOptions } from "@facsimile/object-store";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CommitConflictError } from "../errors.js";
import { readRows } from "../io/read-table.js";
import { commit } from "../table/commit.js";
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

const config: MergeConfig = { kind: "merge", primaryKey: ["id"], partitionColumns: ["ws"] };
const row = (id: number, version: number) => ({
  ws: "a",
  id,
  v: `v${version}`,
  _generation: 0,
  _version: version,
  _is_tombstone: false,
  _payload_hash: `h${version}`,
});
const columns = {
  ws: "VARCHAR",
  id: "BIGINT",
  v: "VARCHAR",
  _generation: "BIGINT",
  _version: "BIGINT",
  _is_tombstone: "BOOLEAN",
  _payload_hash: "VARCHAR",
};

/** A store where, before each of our first `losses` commit puts, another writer commits to partition ws=a. */
function contested(store: ObjectStore, losses: number): ObjectStore {
  let lost = 0;
  const other = lake.open("t");
  return Object.create(store, {
    putIfAbsent: {
      value: async (key: string, body: Uint8Array, options?: PutOptions) => {
        if (key.endsWith(".json") && key.includes("_delta_log/") && lost < losses) {
          lost++;
          const snapshot = await loadSnapshot(other);
          const [add] = [...snapshot.files.values()];
          if (add !== undefined)
            await commit(other, snapshot.version, [
              { add: { ...add, dataChange: true, modificationTime: lost } },
            ]);
        }
        return store.putIfAbsent(key, body, options);
      },
    },
  });
}

describe("re-planning after conflicts", () => {
  it("plans again past twenty conflicts while its time budget lasts, then commits once", async () => {
    const table = lake.open("t");
    await mergeBatch(table, config, { rows: [row(1, 1)], columns }, { appId: "m", version: 1 });
    const busy = lake.open("t", { store: contested(lake.store, 25) });
    const result = await mergeBatch(
      busy,
      config,
      { rows: [row(1, 2)] },
      { appId: "m", version: 2 },
      { initialBackoffMs: 1, maxBackoffMs: 2 },
    );
    expect(result.status).toBe("committed");
    expect(result.plans).toBe(26);
    expect((await readRows(table)).map((r) => r.v)).toEqual(["v2"]);
  });

  it("passes the conflict on once maxPlans is reached", async () => {
    const table = lake.open("t");
    await mergeBatch(table, config, { rows: [row(1, 1)], columns }, { appId: "m", version: 1 });
    const busy = lake.open("t", { store: contested(lake.store, 5) });
    const err = await mergeBatch(
      busy,
      config,
      { rows: [row(1, 2)] },
      { appId: "m", version: 2 },
      { maxPlans: 3, initialBackoffMs: 1, maxBackoffMs: 2 },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommitConflictError);
  });
});
