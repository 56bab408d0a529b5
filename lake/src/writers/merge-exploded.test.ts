import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readRows } from "../io/read-table.js";
import { type TempLake, tempLake } from "../testing/temp-lake.js";
import { mergeExplodedBatch } from "./merge-exploded.js";
import type { MergeExplodedConfig } from "./writer-config.js";

let lake: TempLake;
beforeEach(async () => {
  lake = await tempLake();
});
afterEach(async () => {
  await lake.close();
});

const columns = {
  ws: "VARCHAR",
  issue: "VARCHAR",
  idx: "INTEGER",
  label: "VARCHAR",
  _generation: "BIGINT",
  _version: "BIGINT",
  _is_tombstone: "BOOLEAN",
  _payload_hash: "VARCHAR",
};
const config: MergeExplodedConfig = {
  kind: "merge-exploded",
  parentKey: ["issue"],
  childKey: ["idx"],
  partitionColumns: ["ws"],
};
/** One parent version exploded into rows: one per label, or one flagged row for a tombstone. */
const version = (issue: string, ver: number, labels: string[] | "tombstone") =>
  labels === "tombstone"
    ? [
        {
          ws: "a",
          issue,
          idx: null,
          label: null,
          _generation: 0,
          _version: ver,
          _is_tombstone: true,
          _payload_hash: "",
        },
      ]
    : labels.map((label, idx) => ({
        ws: "a",
        issue,
        idx,
        label,
        _generation: 0,
        _version: ver,
        _is_tombstone: false,
        _payload_hash: labels.join(","),
      }));
const labels = async () =>
  (await readRows(lake.open("t"), { orderBy: "issue, idx" })).map(
    (r) => `${r.issue}@${r._version}:${r._is_tombstone ? "†" : r.label}`,
  );

describe("mergeExplodedBatch", () => {
  it("keeps all children of the newest parent version and none of the older ones", async () => {
    const table = lake.open("t");
    await mergeExplodedBatch(
      table,
      config,
      {
        rows: [
          ...version("i1", 1, ["a", "b", "c"]),
          ...version("i2", 1, ["x"]),
          ...version("i1", 2, ["b", "d"]),
        ],
        columns,
      },
      { appId: "e", version: 1 },
    );
    expect(await labels()).toEqual(["i1@2:b", "i1@2:d", "i2@1:x"]);
    await mergeExplodedBatch(
      table,
      config,
      { rows: [...version("i1", 1, ["old"]), ...version("i2", 3, ["y", "z"])] },
      { appId: "e", version: 2 },
    );
    expect(await labels()).toEqual(["i1@2:b", "i1@2:d", "i2@3:y", "i2@3:z"]);
  });

  it("collapses duplicate deliveries of a version instead of doubling its children", async () => {
    const table = lake.open("t");
    const v = version("i1", 1, ["a", "b"]);
    await mergeExplodedBatch(
      table,
      config,
      { rows: [...v, ...v, ...v], columns },
      { appId: "e", version: 1 },
    );
    await mergeExplodedBatch(table, config, { rows: v }, { appId: "e", version: 2 });
    expect(await labels()).toEqual(["i1@1:a", "i1@1:b"]);
  });

  it("removes the children on a tombstone, and an older version arriving later does not bring them back", async () => {
    const table = lake.open("t");
    await mergeExplodedBatch(
      table,
      config,
      { rows: version("i1", 1, ["a", "b"]), columns },
      { appId: "e", version: 1 },
    );
    await mergeExplodedBatch(
      table,
      config,
      { rows: version("i1", 2, "tombstone") },
      { appId: "e", version: 2 },
    );
    expect(await labels()).toEqual(["i1@2:†"]);
    await mergeExplodedBatch(
      table,
      config,
      { rows: version("i1", 1, ["a", "b"]) },
      { appId: "e", version: 3 },
    );
    expect(await labels()).toEqual(["i1@2:†"]);
    await mergeExplodedBatch(table, config, { rows: version("i1", 3, ["back"]) }, { appId: "e", version: 4 });
    expect(await labels()).toEqual(["i1@3:back"]);
  });
});
