import { describe, expect, it } from "vitest";
import type { Action, AddAction } from "./actions.js";
import { findConflict } from "./conflict.js";

const P = ["ws"];
const add = (path: string, ws: string): AddAction => ({
  path,
  partitionValues: { ws },
  size: 1,
  modificationTime: 1,
  dataChange: true,
});

describe("findConflict", () => {
  const ours: Action[] = [
    { remove: { path: "ws=a/f1.parquet", dataChange: true, partitionValues: { ws: "a" } } },
    { add: add("ws=a/f2.parquet", "a") },
    { txn: { appId: "app-1", version: 5 } },
  ];
  const readA = { partitions: [{ ws: "a" }] };

  it("lets a commit pass over changes to partitions it did not read", () => {
    expect(findConflict(ours, readA, [{ add: add("ws=b/x.parquet", "b") }], P)).toBeUndefined();
    expect(findConflict(ours, readA, [{ txn: { appId: "app-2", version: 9 } }], P)).toBeUndefined();
  });

  it("lets a blind append pass over anything but metadata and its own app id", () => {
    const append: Action[] = [{ add: add("ws=a/n.parquet", "a") }, { txn: { appId: "app-1", version: 6 } }];
    expect(
      findConflict(append, { partitions: [] }, [{ add: add("ws=a/y.parquet", "a") }], P),
    ).toBeUndefined();
    expect(
      findConflict(append, { partitions: [] }, [{ txn: { appId: "app-1", version: 6 } }], P)?.reason,
    ).toBe("same-txn-app-id");
  });

  it("flags a file removed by both", () => {
    const theirs: Action[] = [{ remove: { path: "ws=a/f1.parquet", dataChange: true } }];
    expect(findConflict(ours, { partitions: [] }, theirs, P)?.reason).toBe("files-removed-by-both");
  });

  it("flags the same txn app id", () => {
    expect(findConflict(ours, { partitions: [] }, [{ txn: { appId: "app-1", version: 4 } }], P)?.reason).toBe(
      "same-txn-app-id",
    );
  });

  it("flags a metadata or protocol change", () => {
    expect(
      findConflict(ours, { partitions: [] }, [{ protocol: { minReaderVersion: 1, minWriterVersion: 2 } }], P)
        ?.reason,
    ).toBe("metadata-changed");
  });

  it("flags an add or remove in a partition the commit read, and anything when it read the whole table", () => {
    expect(findConflict(ours, readA, [{ add: add("ws=a/y.parquet", "a") }], P)?.reason).toBe(
      "read-partition-changed",
    );
    expect(findConflict(ours, { partitions: "all" }, [{ add: add("ws=b/y.parquet", "b") }], P)?.reason).toBe(
      "read-partition-changed",
    );
    // A remove that does not say where it was could be anywhere.
    expect(
      findConflict(ours, readA, [{ remove: { path: "ws=c/z.parquet", dataChange: true } }], P)?.reason,
    ).toBe("read-partition-changed");
  });

  it("ignores rearrangements that change no data (dataChange=false)", () => {
    expect(
      findConflict(ours, readA, [{ add: { ...add("ws=a/c.parquet", "a"), dataChange: false } }], P),
    ).toBeUndefined();
  });
});
