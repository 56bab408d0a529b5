import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type MergeConfig, mergeBatch, openDuckDb, openTable, readRows, regionLayout } from "@facsimile/lake";
import { LocalObjectStore } from "@facsimile/object-store";
import { afterAll, describe, expect, it } from "vitest";
import { copyWorkspace } from "./copy-workspace.js";

const WRITER: MergeConfig = Object.freeze({
  kind: "merge",
  primaryKey: ["envelope_fields_resource_ari_value"],
  partitionColumns: ["workspace_id"],
  lww: {
    generation: "envelope_fields_generation_counter",
    version: "envelope_fields_version",
    tombstone: "envelope_fields_is_tombstone",
    payloadHash: "envelope_fields_payload_hash",
  },
});

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe("copyWorkspace", () => {
  it("copies a workspace's rows through the writer once per source version, never a row the registry forbids", async () => {
    const dir = await mkdtemp(join(tmpdir(), "facsimile-copy-"));
    dirs.push(dir);
    const store = new LocalObjectStore(join(dir, "lake"), { durable: false });
    const duck = await openDuckDb();
    try {
      const source = openTable(store, regionLayout.table("eu", "items"), duck.connection, {
        scratchDir: join(dir, "scratch"),
      });
      const rows = (ws: string, n: number) =>
        `SELECT '${ws}' AS workspace_id, 'ari:cloud:jira:${ws}:issue/' || i AS envelope_fields_resource_ari_value, ` +
        "0::BIGINT AS envelope_fields_generation_counter, 1::BIGINT AS envelope_fields_version, " +
        "false AS envelope_fields_is_tombstone, md5(i::VARCHAR) AS envelope_fields_payload_hash " +
        `FROM range(${n}) r(i)`;
      await mergeBatch(
        source,
        WRITER,
        { sql: `${rows("w", 5)} UNION ALL ${rows("other", 3)}` },
        { appId: "load", version: 1 },
      );
      const deps = {
        store,
        lakeRoot: "",
        duckdb: duck.connection,
        writers: [{ table: "items", writer: WRITER }],
        isErased: (_: string, ari: string | undefined) => ari === "ari:cloud:jira:w:issue/2",
      };
      expect(await copyWorkspace(deps, "job", "w", "eu", "us")).toBe(4);
      expect(await copyWorkspace(deps, "job", "w", "eu", "us")).toBe(0);
      const copied = await readRows(openTable(store, regionLayout.table("us", "items"), duck.connection));
      expect(copied.map((r) => r.envelope_fields_resource_ari_value).sort()).toEqual(
        [0, 1, 3, 4].map((i) => `ari:cloud:jira:w:issue/${i}`),
      );
    } finally {
      duck.close();
    }
  });
});
