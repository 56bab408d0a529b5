// Independent readers agree with each other and with our object stores: DuckDB (Node, offline extensions)
// reads Delta tables written by delta-rs, locally and on the real S3 server, and delta-rs reads a table whose
// files went through our S3ObjectStore with SSE-KMS. Installs the tooling first (cached) via ensureInterop().
import { randomUUID } from "node:crypto";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDuckDbS3Secret, openDuckDb } from "@facsimile/lake";
import { S3ObjectStore } from "@facsimile/object-store/s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { services, uniqueName } from "../helpers.js";
import { ensureInterop, type Interop, readDelta, writeDelta } from "../interop.js";

let interop: Interop;
let work: string;
beforeAll(async () => {
  interop = ensureInterop();
  work = await mkdtemp(join(tmpdir(), "facsimile-interop-"));
}, 15 * 60_000);
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const SCHEMA = "id:int64,name:string,ts:timestamp,region:string";
const FIRST = [
  { id: 1, name: "a", ts: "2024-01-01T00:00:00Z", region: "eu" },
  { id: 2, name: "b", ts: "2024-01-02T03:04:05Z", region: "us" },
];
const SECOND = [{ id: 3, name: "c'", ts: "2024-02-01T00:00:00Z", region: "eu" }];

describe("DuckDB offline extensions", () => {
  it("loads delta and httpfs from the extension directory without network", async () => {
    const db = await openDuckDb({ extensions: ["delta", "httpfs"] });
    try {
      expect(db.extensionDirectory).toBe(interop.extensionDir);
      const rows = (
        await db.connection.runAndReadAll(
          "SELECT extension_name, install_path FROM duckdb_extensions() WHERE extension_name IN ('delta', 'httpfs') AND loaded ORDER BY 1",
        )
      ).getRows();
      expect(rows.map((r) => r[0])).toEqual(["delta", "httpfs"]);
      for (const row of rows) expect(String(row[1]).startsWith(interop.extensionDir)).toBe(true);
    } finally {
      db.close();
    }
  });

  it("reads a partitioned Delta table written by delta-rs, at its latest version and by time travel", async () => {
    const table = join(work, "people");
    expect(await writeDelta(table, FIRST, { schema: SCHEMA, partitionBy: ["region"] })).toBe(0);
    expect(await writeDelta(table, SECOND, { schema: SCHEMA, partitionBy: ["region"] })).toBe(1);
    const db = await openDuckDb({ extensions: ["delta"] });
    try {
      const reader = await db.connection.runAndReadAll(
        `SELECT id, name, epoch_ms(ts) AS ms, region FROM delta_scan('${table}') ORDER BY id`,
      );
      expect(reader.getRowObjectsJson()).toEqual([
        { id: "1", name: "a", ms: String(Date.UTC(2024, 0, 1)), region: "eu" },
        { id: "2", name: "b", ms: String(Date.UTC(2024, 0, 2, 3, 4, 5)), region: "us" },
        { id: "3", name: "c'", ms: String(Date.UTC(2024, 1, 1)), region: "eu" },
      ]);
      const types = (
        await db.connection.runAndReadAll(`DESCRIBE SELECT ts FROM delta_scan('${table}')`)
      ).getRows();
      expect(types[0]?.[1]).toBe("TIMESTAMP WITH TIME ZONE");
    } finally {
      db.close();
    }
    const v0 = await readDelta(table, { version: 0, orderBy: ["id"] });
    expect(v0.table).toMatchObject({ version: 0, partitionColumns: ["region"], numRows: 2 });
    expect(v0.table.protocol).toEqual({ minReaderVersion: 1, minWriterVersion: 2 });
    const latest = await readDelta(table, { orderBy: ["id"], columns: ["id", "ts"] });
    expect(latest.table.version).toBe(1);
    expect(latest.rows).toEqual([
      { id: 1, ts: "2024-01-01T00:00:00+00:00" },
      { id: 2, ts: "2024-01-02T03:04:05+00:00" },
      { id: 3, ts: "2024-02-01T00:00:00+00:00" },
    ]);
    expect(latest.table.files.every((f) => f.startsWith("region="))).toBe(true);
  });

  it("reads a delta-rs table on the real S3 server through httpfs", async () => {
    const { s3 } = services();
    const uri = `s3://${s3.bucket}/${uniqueName("interop")}/people`;
    await writeDelta(uri, FIRST, { schema: SCHEMA, partitionBy: ["region"], s3 });
    const db = await openDuckDb({ extensions: ["delta", "httpfs"] });
    try {
      await createDuckDbS3Secret(db.connection, {
        endpoint: s3.endpoint,
        region: s3.region,
        accessKeyId: s3.accessKeyId,
        secretAccessKey: s3.secretAccessKey,
        pathStyle: true,
        scope: `s3://${s3.bucket}`,
      });
      const rows = (
        await db.connection.runAndReadAll(`SELECT id, region FROM delta_scan('${uri}') ORDER BY id`)
      ).getRowObjectsJson();
      expect(rows).toEqual([
        { id: "1", region: "eu" },
        { id: "2", region: "us" },
      ]);
    } finally {
      db.close();
    }
    const read = await readDelta(uri, { orderBy: ["id"], columns: ["id", "name"], s3 });
    expect(read.rows).toEqual([
      { id: 1, name: "a" },
      { id: 2, name: "b" },
    ]);
  });

  it("delta-rs reads a table whose Parquet file and commit went through S3ObjectStore with SSE-KMS", async () => {
    const { s3 } = services();
    const prefix = uniqueName("interop-store");
    const store = new S3ObjectStore({
      bucket: s3.bucket,
      prefix,
      endpoint: s3.endpoint,
      region: s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    const db = await openDuckDb();
    try {
      const parquet = join(work, `${randomUUID()}.parquet`);
      await db.connection.run(
        `COPY (SELECT range::BIGINT AS id, 'row ' || range AS name FROM range(5)) TO '${parquet}' (FORMAT parquet)`,
      );
      const { size } = await stat(parquet);
      const kms = { kmsKeyId: s3.kmsKeyId };
      await store.putFile("t/part-00000.parquet", parquet, kms);
      const schemaString = JSON.stringify({
        type: "struct",
        fields: [
          { name: "id", type: "long", nullable: true, metadata: {} },
          { name: "name", type: "string", nullable: true, metadata: {} },
        ],
      });
      const now = Date.now();
      const commit = [
        { protocol: { minReaderVersion: 1, minWriterVersion: 2 } },
        {
          metaData: {
            id: randomUUID(),
            format: { provider: "parquet", options: {} },
            schemaString,
            partitionColumns: [],
            configuration: {},
            createdTime: now,
          },
        },
        {
          add: {
            path: "part-00000.parquet",
            partitionValues: {},
            size,
            modificationTime: now,
            dataChange: true,
          },
        },
      ];
      const body = new TextEncoder().encode(commit.map((a) => JSON.stringify(a)).join("\n"));
      await store.putIfAbsent("t/_delta_log/00000000000000000000.json", body, kms);
      expect((await store.head("t/part-00000.parquet"))?.kmsKeyId).toBe(s3.kmsKeyId);
      const read = await readDelta(`s3://${s3.bucket}/${prefix}/t`, { orderBy: ["id"], s3 });
      expect(read.table.version).toBe(0);
      expect(read.rows.map((r) => r.name)).toEqual(["row 0", "row 1", "row 2", "row 3", "row 4"]);
    } finally {
      db.close();
      await store.close();
    }
  });
});
