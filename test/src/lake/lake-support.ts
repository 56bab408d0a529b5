// Shared by the lake's integration tests: a table on local disk or on the real S3 server with its own DuckDB,
// and a canonical form of rows so that our reader's output and delta-rs' can be compared value by value.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDuckDb, openTable, type Table } from "@facsimile/lake";
import { LocalObjectStore, type ObjectStore } from "@facsimile/object-store";
import { S3ObjectStore } from "@facsimile/object-store/s3";
import { services, uniqueName } from "../helpers.js";

export interface LakeFixture {
  readonly dir: string;
  readonly local: LocalObjectStore;
  /** A store on the shared bucket under a prefix of its own. */
  s3(): S3ObjectStore;
  /** A table of `store`, with its own DuckDB connection when `ownConnection` (as a separate worker has). */
  table(store: ObjectStore, path: string, ownConnection?: boolean): Promise<Table>;
  close(): Promise<void>;
}

export async function lakeFixture(): Promise<LakeFixture> {
  const dir = await mkdtemp(join(tmpdir(), "facsimile-lake-it-"));
  const db = await openDuckDb({ config: { threads: "2" } });
  const stores: S3ObjectStore[] = [];
  const extra: { closeSync(): void }[] = [];
  return {
    dir,
    local: new LocalObjectStore(join(dir, "store"), { durable: false }),
    s3() {
      const s3 = services().s3;
      const store = new S3ObjectStore({
        bucket: s3.bucket,
        prefix: uniqueName("lake"),
        endpoint: s3.endpoint,
        region: s3.region,
        forcePathStyle: true,
        credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      });
      stores.push(store);
      return store;
    },
    async table(store, path, ownConnection = false) {
      let connection = db.connection;
      if (ownConnection) {
        connection = await db.instance.connect();
        extra.push(connection);
      }
      return openTable(store, path, connection, {
        scratchDir: join(dir, "scratch"),
        cacheDir: join(dir, "cache"),
      });
    },
    async close() {
      for (const c of extra) c.closeSync();
      db.close();
      for (const s of stores) await s.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?(?:\+00(?::00)?|Z)$/;

/**
 * A value in one spelling whatever reader produced it: numbers as decimal strings (delta-rs gives JSON numbers,
 * DuckDB strings for BIGINT), timestamps as microseconds since the epoch, object keys sorted.
 */
export function canonical(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (typeof value === "string") {
    const m = TIMESTAMP.exec(value);
    if (m === null) return value;
    const seconds = Date.parse(`${m[1]}T${m[2]}Z`) / 1000;
    return `ts:${BigInt(seconds) * 1_000_000n + BigInt((m[3] ?? "").padEnd(6, "0"))}`;
  }
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === "object")
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, canonical(v)]),
    );
  return value;
}

/** Rows as a sorted list of canonical JSON strings: equal lists mean the same multiset of rows. */
export function rowSet(rows: readonly Record<string, unknown>[]): string[] {
  return rows.map((r) => JSON.stringify(canonical(r))).sort();
}
