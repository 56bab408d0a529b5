// Merges into tables with deletion vectors: replaced rows are marked in a DV instead of rewriting their file,
// the table reads the same rows as a copy-on-write table given the same batches, DVs survive checkpoints, a file
// losing too many rows is rewritten, folding rewrites files without their deleted rows.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readRows } from "../io/read-table.js";
import { decodeDataPath } from "../table/actions.js";
import { deletedRowPositions } from "../table/deletion-vectors/read-deletion-vector.js";
import { loadSnapshot } from "../table/load-snapshot.js";
import { readCheckpoint } from "../table/read-checkpoint.js";
import type { Table } from "../table/table.js";
import { type TempLake, tempLake } from "../testing/temp-lake.js";
import { mergeBatch } from "./merge.js";
import { mergeExplodedBatch } from "./merge-exploded.js";
import { addedKeys } from "./run-write.js";
import type { MergeConfig } from "./writer-config.js";

let lake: TempLake;
beforeEach(async () => {
  lake = await tempLake();
});
afterEach(async () => {
  await lake.close();
});

const base: MergeConfig = {
  kind: "merge",
  primaryKey: ["id"],
  partitionColumns: ["ws"],
  maxRowsPerFile: 100,
};
const withDv: MergeConfig = { ...base, deletionVectors: true };

/** Rows `from`..`to`-1 at `version`, in two workspaces; tombstones for ids divisible by `tombEvery`. */
const batch = (from: number, to: number, version: number, tombEvery = 0) => ({
  sql:
    `SELECT 'ws' || (i % 2) AS ws, i AS id, 'v${version}-' || i AS val, 0::BIGINT AS _generation, ` +
    `${version}::BIGINT AS _version, ${tombEvery > 0 ? `i % ${tombEvery} = 0` : "false"} AS _is_tombstone, ` +
    `md5(i::VARCHAR || '${version}') AS _payload_hash FROM range(${from}, ${to}) r(i)`,
});

const rows = async (table: Table, version?: number) =>
  (await readRows(table, { orderBy: "ws, id", ...(version === undefined ? {} : { version }) })).map(
    (r) => `${r.ws}/${r.id}=${r.val}${r._is_tombstone ? "!" : ""}`,
  );

describe("merge with deletion vectors", () => {
  it("marks replaced rows in a DV and writes only the new rows", async () => {
    const table = lake.open("t");
    await mergeBatch(table, withDv, batch(0, 1000, 1), { appId: "a", version: 1 });
    const before = await loadSnapshot(table);
    expect(before.protocol).toEqual({
      minReaderVersion: 3,
      minWriterVersion: 7,
      readerFeatures: ["deletionVectors"],
      writerFeatures: ["deletionVectors"],
    });
    expect(before.metadata.configuration["delta.enableDeletionVectors"]).toBe("true");
    const result = await mergeBatch(table, withDv, batch(10, 15, 2), { appId: "a", version: 2 });
    expect(result.rowsWritten).toBe(5);
    const after = await loadSnapshot(table);
    const marked = [...after.files.values()].filter((a) => a.deletionVector);
    expect(marked.length).toBeGreaterThan(0);
    expect(marked.reduce((s, a) => s + (a.deletionVector?.cardinality ?? 0), 0)).toBe(5);
    // The marked files are the same data files as before, with new DVs and wide bounds.
    for (const a of marked) {
      expect(before.files.get(decodeDataPath(a.path))?.size).toBe(a.size);
      expect(JSON.parse(a.stats ?? "{}")).toMatchObject({ tightBounds: false });
      expect((await deletedRowPositions(table, a)).length).toBe(a.deletionVector?.cardinality);
    }
    const all = await rows(table);
    expect(all).toHaveLength(1000);
    expect(all.filter((r) => r.includes("=v2-"))).toHaveLength(5);
    // Time travel before the DVs still reads the old rows.
    expect((await rows(table, 1)).filter((r) => r.includes("=v2-"))).toHaveLength(0);
  });

  it("reads the same rows as copy-on-write over many merges, updates, inserts and tombstones", async () => {
    const dv = lake.open("dv", { checkpointInterval: 3 });
    const cow = lake.open("cow");
    const batches = [
      batch(0, 600, 1),
      batch(5, 40, 2),
      batch(30, 90, 3, 7),
      batch(600, 650, 4),
      batch(0, 400, 5, 5),
    ];
    let marked = 0;
    for (const [i, b] of batches.entries()) {
      const result = await mergeBatch(dv, withDv, b, { appId: "a", version: i });
      expect(result.checkpointError).toBeUndefined();
      await mergeBatch(cow, base, b, { appId: "a", version: i });
      expect(await rows(dv)).toEqual(await rows(cow));
      marked = Math.max(
        marked,
        [...(await loadSnapshot(dv)).files.values()].filter((a) => a.deletionVector).length,
      );
    }
    expect(marked).toBeGreaterThan(0);
    const snapshot = await loadSnapshot(dv);
    // The checkpoint (version 3) carries the DVs and the protocol's features.
    const fromCheckpoint = await readCheckpoint(dv, 3);
    expect(fromCheckpoint.find((a) => "protocol" in a)).toEqual({ protocol: snapshot.protocol });
    const replayed = await loadSnapshot(dv, { version: 3 });
    const adds = fromCheckpoint.flatMap((a) => ("add" in a ? [a.add] : []));
    expect(adds.filter((a) => a.deletionVector).length).toBeGreaterThan(0);
    for (const a of adds)
      expect(a.deletionVector ?? null).toEqual(
        replayed.files.get(decodeDataPath(a.path))?.deletionVector ?? null,
      );
    // The last batch replaced most rows of its files: those were rewritten, not given ever larger DVs.
    for (const a of snapshot.files.values())
      expect(a.deletionVector?.cardinality ?? 0).toBeLessThanOrEqual(
        0.5 * JSON.parse(a.stats ?? "{}").numRecords,
      );
  });

  it("upgrades an existing table's protocol when deletion vectors are turned on", async () => {
    const table = lake.open("t");
    await mergeBatch(table, base, batch(0, 300, 1), { appId: "a", version: 1 });
    expect((await loadSnapshot(table)).protocol).toEqual({ minReaderVersion: 1, minWriterVersion: 2 });
    await mergeBatch(table, withDv, batch(0, 3, 2), { appId: "a", version: 2 });
    const snapshot = await loadSnapshot(table);
    expect(snapshot.protocol).toEqual({
      minReaderVersion: 3,
      minWriterVersion: 7,
      readerFeatures: ["deletionVectors"],
      writerFeatures: ["appendOnly", "invariants", "deletionVectors"],
    });
    expect([...snapshot.files.values()].some((a) => a.deletionVector)).toBe(true);
    // A writer not asking for DVs still writes them on a table that has them on.
    await mergeBatch(table, base, batch(100, 102, 3), { appId: "a", version: 3 });
    const dvs = [...(await loadSnapshot(table)).files.values()].filter((a) => a.deletionVector);
    expect(dvs.reduce((s, a) => s + (a.deletionVector?.cardinality ?? 0), 0)).toBe(5);
    expect((await rows(table)).filter((r) => /=v[23]-/.test(r))).toHaveLength(5);
  });

  it("folds files with DVs into new files without their deleted rows", async () => {
    const table = lake.open("t");
    const config: MergeConfig = { ...withDv, foldFilesAbove: 3 };
    await mergeBatch(table, config, batch(0, 400, 1), { appId: "a", version: 1 });
    await mergeBatch(table, config, batch(0, 4, 2), { appId: "a", version: 2 });
    expect(
      [...(await loadSnapshot(table)).files.values()].filter((a) => a.deletionVector).length,
    ).toBeGreaterThan(0);
    await mergeBatch(table, config, batch(400, 402, 3), { appId: "a", version: 3 });
    const snapshot = await loadSnapshot(table);
    expect([...snapshot.files.values()].filter((a) => a.deletionVector)).toEqual([]);
    expect(await rows(table)).toHaveLength(402);
  });

  it("MergeExploded marks a parent's old children in DVs", async () => {
    const table = lake.open("t");
    const config = {
      kind: "merge-exploded" as const,
      parentKey: ["p"],
      childKey: ["c"],
      partitionColumns: ["ws"],
      maxRowsPerFile: 50,
      deletionVectors: true,
    };
    const versions = (version: number, parents: number) => ({
      sql:
        `SELECT 'ws' AS ws, p, c, 'v${version}' AS label, 0::BIGINT AS _generation, ${version}::BIGINT AS _version, ` +
        `false AS _is_tombstone, 'h${version}' AS _payload_hash FROM range(${parents}) a(p), range(3) b(c)`,
    });
    await mergeExplodedBatch(table, config, versions(1, 100), { appId: "x", version: 1 });
    await mergeExplodedBatch(table, config, versions(2, 2), { appId: "x", version: 2 });
    const labels = (await readRows(table, { orderBy: "p, c" })).map((r) => `${r.p}:${r.c}:${r.label}`);
    expect(labels).toHaveLength(300);
    expect(labels.slice(0, 7)).toEqual([
      "0:0:v2",
      "0:1:v2",
      "0:2:v2",
      "1:0:v2",
      "1:1:v2",
      "1:2:v2",
      "2:0:v1",
    ]);
    const snapshot = await loadSnapshot(table);
    expect([...snapshot.files.values()].reduce((s, a) => s + (a.deletionVector?.cardinality ?? 0), 0)).toBe(
      6,
    );
  });

  it("a thrown-away plan deletes its DV file, never the data file it marks", () => {
    const table = lake.open("t");
    const dv = {
      storageType: "u" as const,
      pathOrInlineDv: "ab^-aqEH.-t@S}K{vb[*k^",
      offset: 1,
      sizeInBytes: 40,
      cardinality: 6,
    };
    const add = {
      path: "ws=a/old.parquet",
      partitionValues: { ws: "a" },
      size: 1,
      modificationTime: 0,
      dataChange: true,
    };
    expect(
      addedKeys(table, [
        { add: { ...add, deletionVector: dv } },
        { add: { ...add, path: "ws=a/new.parquet" } },
      ]),
    ).toEqual(["t/ab/deletion_vector_d2c639aa-8816-431a-aaf6-d3fe2512ff61.bin", "t/ws=a/new.parquet"]);
  });
});
