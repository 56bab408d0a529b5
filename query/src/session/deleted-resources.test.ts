// A deleted resource vanishes from what a workspace session shows, its Append change history included: written by
// the lake's Append writer on local disk (the rows stay in the lake), read through a real session.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { appendBatch, openTable, readRows, regionLayout } from "@facsimile/lake";
import { LocalObjectStore } from "@facsimile/object-store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openQueryEngine, type QueryEngine } from "../open-query-engine.js";

const REGION = "eu-test-1";
let dir: string;
let store: LocalObjectStore;
let engine: QueryEngine;

/** [resource, generation, version, tombstone, workspace] of the history rows. */
const HISTORY: readonly [string, number, number, boolean, string][] = [
  ["issue/1", 0, 1, false, "ws-a"],
  ["issue/1", 0, 2, false, "ws-a"],
  // Deleted at version 3.
  ["issue/2", 0, 1, false, "ws-a"],
  ["issue/2", 0, 2, false, "ws-a"],
  ["issue/2", 0, 3, true, "ws-a"],
  // Deleted, then re-created in generation 1 (a lower version still wins).
  ["issue/3", 0, 1, false, "ws-a"],
  ["issue/3", 0, 2, true, "ws-a"],
  ["issue/3", 1, 1, false, "ws-a"],
  // A tombstone that lost to a newer version (delivered late, older): the resource lives.
  ["issue/4", 0, 1, true, "ws-a"],
  ["issue/4", 0, 5, false, "ws-a"],
  // Another workspace's resource deleted: nothing of ws-a's changes.
  ["issue/9", 0, 1, true, "ws-b"],
];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "facsimile-query-deleted-"));
  store = new LocalObjectStore(join(dir, "lake"), { durable: false });
  const instance = await DuckDBInstance.create(":memory:", { threads: "1" });
  const connection = await instance.connect();
  try {
    const table = openTable(store, regionLayout.table(REGION, "issue_change"), connection, {
      scratchDir: join(dir, "scratch"),
      cacheDir: join(dir, "cache"),
    });
    await appendBatch(
      table,
      { kind: "append", partitionColumns: ["workspace_id"] },
      {
        rows: HISTORY.map(([ari, g, v, t, ws]) => ({
          envelope_fields_resource_ari_value: ari,
          envelope_fields_generation_counter: g,
          envelope_fields_version: v,
          envelope_fields_is_tombstone: t,
          summary: t ? null : `${ari} ${g}.${v}`,
          workspace_id: ws,
        })),
        columns: {
          envelope_fields_resource_ari_value: "VARCHAR",
          envelope_fields_generation_counter: "BIGINT",
          envelope_fields_version: "BIGINT",
          envelope_fields_is_tombstone: "BOOLEAN",
          summary: "VARCHAR",
          workspace_id: "VARCHAR",
        },
      },
      { appId: "t", version: 1 },
    );
    expect(await readRows(table)).toHaveLength(HISTORY.length);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  engine = await openQueryEngine(store, { session: { timeoutMs: 5_000, threads: 1, tempRoot: dir } });
});
afterAll(async () => {
  await engine?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("deleted resources in a workspace session", () => {
  it("hides every row of a deleted resource and of a re-created resource's deleted generation", async () => {
    const session = await engine.openSession(REGION, "ws-a");
    try {
      const result = await session.query(
        "SELECT envelope_fields_resource_ari_value AS ari, summary FROM issue_change ORDER BY ALL",
      );
      expect(result.rows).toEqual([
        ["issue/1", "issue/1 0.1"],
        ["issue/1", "issue/1 0.2"],
        ["issue/3", "issue/3 1.1"],
        ["issue/4", "issue/4 0.5"],
      ]);
    } finally {
      await session.close();
    }
  });
});
