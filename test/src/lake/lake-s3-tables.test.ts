// Tables on the real S3 server (MinIO): the commit protocol's put-if-absent under contention from several
// writers at once, checkpoints and time travel, log errors that name the version, and per-partition KMS keys.
import {
  appendBatch,
  LogVersionMissingError,
  loadSnapshot,
  mergeBatch,
  readRows,
  type Table,
} from "@facsimile/lake";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { services } from "../helpers.js";
import { type LakeFixture, lakeFixture } from "./lake-support.js";

let lake: LakeFixture;
beforeAll(async () => {
  lake = await lakeFixture();
});
afterAll(async () => {
  await lake.close();
});

const WRITERS = 3;
const BATCHES = 4;

/** Every version from 0 to `commits` is there, and every (writer, batch) txn was committed exactly once. */
async function expectLinearHistory(table: Table, commits: number): Promise<void> {
  const keys: string[] = [];
  for await (const o of table.store.list(`${table.path}/_delta_log/`)) keys.push(o.key);
  const versions = keys.filter((k) => k.endsWith(".json")).map((k) => Number(/(\d{20})\.json$/.exec(k)?.[1]));
  expect(versions).toEqual(Array.from({ length: commits + 1 }, (_, v) => v));
  const txns: string[] = [];
  for (let v = 0; v <= commits; v++) {
    const snapshot = await loadSnapshot(table, { version: v });
    const before = v === 0 ? undefined : await loadSnapshot(table, { version: v - 1 });
    for (const [appId, txn] of snapshot.txns)
      if (before?.txns.get(appId)?.version !== txn.version) txns.push(`${appId}:${txn.version}`);
  }
  expect(txns.sort()).toEqual(
    Array.from({ length: WRITERS }, (_, w) => Array.from({ length: BATCHES }, (_, b) => `w${w}:${b}`))
      .flat()
      .sort(),
  );
}

describe("lake tables on S3", () => {
  it("takes merges from several writers at once into the same partitions: linear history, LWW result, nothing lost", async () => {
    const store = lake.s3();
    const tables = await Promise.all(Array.from({ length: WRITERS }, () => lake.table(store, "t", true)));
    const config = {
      kind: "merge",
      primaryKey: ["id"],
      partitionColumns: ["ws"],
      maxRowsPerFile: 10,
    } as const;
    const batchSql = (w: number, b: number) =>
      `SELECT 'ws' || (range % 2) AS ws, range AS id, 'w${w}b${b}' AS val, 0::BIGINT AS _generation, ` +
      `${w * BATCHES + b}::BIGINT AS _version, false AS _is_tombstone, 'h' AS _payload_hash FROM range(16) ` +
      `UNION ALL SELECT 'ws1', ${1000 + w * 100 + b}, 'own', 0, 0, false, 'h'`;
    await Promise.all(
      tables.map(async (table, w) => {
        for (let b = 0; b < BATCHES; b++)
          await mergeBatch(table, config, { sql: batchSql(w, b) }, { appId: `w${w}`, version: b });
      }),
    );
    const table = tables[0] as Table;
    await expectLinearHistory(table, WRITERS * BATCHES);
    const rows = await readRows(table, { orderBy: "id" });
    const last = `w${WRITERS - 1}b${BATCHES - 1}`;
    expect(rows.filter((r) => Number(r.id) < 16).map((r) => `${r.id}:${r.val}`)).toEqual(
      Array.from({ length: 16 }, (_, i) => `${i}:${last}`),
    );
    expect(rows.filter((r) => r.val === "own")).toHaveLength(WRITERS * BATCHES);
    expect(rows).toHaveLength(16 + WRITERS * BATCHES);
  });

  it("takes appends from several writers at once: every row exactly once", async () => {
    const store = lake.s3();
    const tables = await Promise.all(Array.from({ length: WRITERS }, () => lake.table(store, "sink", true)));
    await Promise.all(
      tables.map(async (table, w) => {
        for (let b = 0; b < BATCHES; b++)
          await appendBatch(
            table,
            { kind: "append" },
            { sql: `SELECT ${w * 1000 + b * 10} + range AS id FROM range(10)` },
            { appId: `w${w}`, version: b },
          );
      }),
    );
    const table = tables[0] as Table;
    await expectLinearHistory(table, WRITERS * BATCHES);
    const ids = (await readRows(table)).map((r) => Number(r.id)).sort((a, b) => a - b);
    expect(ids).toEqual([...new Set(ids)]);
    expect(ids).toHaveLength(WRITERS * BATCHES * 10);
  });

  it("checkpoints, time-travels, and names the version of a missing commit", async () => {
    const store = lake.s3();
    const table = await lake.table(store, "history");
    for (let b = 0; b < 11; b++)
      await appendBatch(table, { kind: "append" }, { sql: `SELECT ${b} AS b` }, { appId: "a", version: b });
    expect(await store.head("history/_delta_log/00000000000000000010.checkpoint.parquet")).toBeDefined();
    expect((await readRows(table)).length).toBe(11);
    expect((await readRows(table, { version: 3 })).map((r) => r.b).sort()).toEqual([0, 1, 2]);
    await store.delete("history/_delta_log/00000000000000000011.json");
    expect((await loadSnapshot(table)).version).toBe(10);
    await store.delete("history/_delta_log/00000000000000000004.json");
    const err = await loadSnapshot(table, { version: 5 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LogVersionMissingError);
    expect((err as LogVersionMissingError).version).toBe(4);
  });

  it("encrypts each partition's data files with the KMS key the writer names for it", async () => {
    const store = lake.s3();
    const table = await lake.table(store, "byok");
    const key = services().s3.kmsKeyId;
    await appendBatch(
      table,
      { kind: "append", partitionColumns: ["ws"], kmsKeyIdFor: (p) => (p.ws === "secret" ? key : undefined) },
      { sql: "SELECT unnest(['secret', 'plain']) AS ws, 1 AS n" },
      { appId: "a", version: 1 },
    );
    const files = [...(await loadSnapshot(table)).files];
    expect(files).toHaveLength(2);
    for (const [path, add] of files) {
      const info = await store.head(`byok/${path}`);
      expect(info?.kmsKeyId).toBe(add.partitionValues.ws === "secret" ? key : undefined);
    }
    expect((await readRows(table, { orderBy: "ws" })).map((r) => r.ws)).toEqual(["plain", "secret"]);
  });
});
