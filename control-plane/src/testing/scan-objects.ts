// Test support: a scan of every object under a prefix of a store for patterns, the way an auditor would look for
// erased data: Parquet files are read through DuckDB (every column of every row as text, binary columns decoded
// as UTF-8 so protobuf strings show), every other object as UTF-8 text. Slow and thorough; tests only.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { quoteLiteral } from "@facsimile/lake";
import type { ObjectStore } from "@facsimile/object-store";

export interface ObjectScanHit {
  readonly key: string;
  readonly pattern: string;
  readonly excerpt: string;
}

function textOf(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Uint8Array) return Buffer.from(value).toString("utf8");
  if (typeof value === "object" && value !== null && "bytes" in value) {
    const bytes = (value as { bytes: unknown }).bytes;
    if (bytes instanceof Uint8Array) return Buffer.from(bytes).toString("utf8");
  }
  if (typeof value === "object")
    return JSON.stringify(value, (_, v) => (typeof v === "bigint" ? String(v) : v));
  return String(value);
}

/** Every place under `prefix` where one of `patterns` occurs. */
export async function scanObjects(
  store: ObjectStore,
  prefix: string,
  patterns: readonly RegExp[],
  duckdb: DuckDBConnection,
): Promise<{ readonly objects: number; readonly hits: readonly ObjectScanHit[] }> {
  const dir = await mkdtemp(join(tmpdir(), "facsimile-scan-"));
  const hits: ObjectScanHit[] = [];
  let objects = 0;
  const check = (key: string, text: string): void => {
    for (const p of patterns) {
      const m = p.exec(text);
      if (m !== null)
        hits.push({ key, pattern: p.source, excerpt: text.slice(Math.max(0, m.index - 40), m.index + 60) });
    }
  };
  try {
    for await (const o of store.list(prefix)) {
      objects++;
      const bytes = await store.get(o.key);
      if (!o.key.endsWith(".parquet")) {
        check(o.key, Buffer.from(bytes).toString("utf8"));
        continue;
      }
      const local = join(dir, `f-${objects}.parquet`);
      await writeFile(local, bytes);
      const reader = await duckdb.runAndReadAll(
        `SELECT * FROM read_parquet(${quoteLiteral(local)}, hive_partitioning = false)`,
      );
      for (const row of reader.getRows()) check(o.key, row.map(textOf).join("\u0001"));
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return { objects, hits };
}
