import { describe, expect, it } from "vitest";
import { LogCorruptError } from "../errors.js";
import type { Action } from "./actions.js";
import { decodeCommit, encodeCommit } from "./log-codec.js";

const where = { table: "file:///t", version: 7, key: "t/_delta_log/00000000000000000007.json" };

describe("commit file codec", () => {
  it("round-trips every action kind as one JSON object per line", () => {
    const actions: Action[] = [
      { commitInfo: { timestamp: 1, operation: "WRITE" } },
      { protocol: { minReaderVersion: 1, minWriterVersion: 2 } },
      {
        metaData: {
          id: "m",
          format: { provider: "parquet", options: {} },
          schemaString: '{"type":"struct","fields":[]}',
          partitionColumns: ["ws"],
          configuration: {},
        },
      },
      {
        add: {
          path: "ws=a/part-1.parquet",
          partitionValues: { ws: "a" },
          size: 10,
          modificationTime: 2,
          dataChange: true,
          stats: '{"numRecords":1}',
        },
      },
      { remove: { path: "ws=a/part-0.parquet", deletionTimestamp: 3, dataChange: true } },
      { txn: { appId: "app", version: 4, lastUpdated: 5 } },
    ];
    const body = encodeCommit(actions);
    expect(new TextDecoder().decode(body).split("\n")).toHaveLength(actions.length + 1);
    expect(decodeCommit(body, where)).toEqual(actions);
  });

  it("skips action kinds it does not know, as the protocol asks", () => {
    const body = new TextEncoder().encode('{"cdc":{"path":"x"}}\n{"txn":{"appId":"a","version":1}}\n');
    expect(decodeCommit(body, where)).toEqual([{ txn: { appId: "a", version: 1 } }]);
  });

  it.each([
    ["not JSON", "{not json", /line 1 is not JSON/],
    ["two actions on a line", '{"txn":{"appId":"a","version":1},"commitInfo":{}}', /exactly one action/],
    [
      "an add without size",
      '{"add":{"path":"p","partitionValues":{},"modificationTime":1,"dataChange":true}}',
      /add\.size/,
    ],
    [
      "a malformed deletion vector",
      '{"add":{"path":"p","partitionValues":{},"size":1,"modificationTime":1,"dataChange":true,"deletionVector":{}}}',
      /add\.deletionVector has storageType/,
    ],
    ["an empty file", "\n\n", /no actions/],
  ])("names the version of a commit file with %s", (_, text, message) => {
    const fn = () => decodeCommit(new TextEncoder().encode(text), where);
    expect(fn).toThrow(LogCorruptError);
    expect(fn).toThrow(message);
    try {
      fn();
    } catch (err) {
      expect((err as LogCorruptError).version).toBe(7);
      expect((err as LogCorruptError).message).toContain("version 7");
    }
  });
});
