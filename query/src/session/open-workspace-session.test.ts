// Workspace sessions for real: example tables written by the lake's Merge writer on local disk, an in-process
// DuckDB per session, the sandbox suite through the library, and what a session does at its edges.
import { DuckDBInstance } from "@duckdb/node-api";
import { mergeBatch, openTable, regionLayout } from "@facsimile/lake";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isQueryError, QueryError } from "../errors.js";
import { EXAMPLE_ISSUE_COLUMNS, EXAMPLE_MERGE_CONFIG } from "../examples/example-tables.js";
import { openQueryEngine, type QueryEngine } from "../open-query-engine.js";
import { type ExampleLake, openExampleLake } from "../testing/example-lake.js";
import { describeHostileQueries } from "../testing/hostile-queries.js";
import { describeSandboxConformance, type SandboxSurface } from "../testing/sandbox-conformance.js";
import type { WorkspaceSession } from "./open-workspace-session.js";

let lake: ExampleLake;
let engine: QueryEngine;
const sessions = new Map<string, WorkspaceSession>();

beforeAll(async () => {
  lake = await openExampleLake();
  engine = await openQueryEngine(lake.store, {
    session: { timeoutMs: 1_000, threads: 1, tempRoot: lake.dir },
  });
});
afterAll(async () => {
  for (const s of sessions.values()) await s.close();
  await engine.close();
  await lake.close();
});

/** One session per workspace for the whole suite: refusals must leave a session usable. */
async function sessionOf(workspace: string): Promise<WorkspaceSession> {
  let session = sessions.get(workspace);
  if (session === undefined) {
    session = await engine.openSession(lake.region, workspace);
    sessions.set(workspace, session);
  }
  return session;
}

const surface: SandboxSurface = {
  async query(workspace, sql) {
    try {
      const result = await (await sessionOf(workspace)).query(sql);
      return {
        ok: true,
        columns: result.columns.map((c) => c.name),
        rows: result.rows,
        raw: JSON.stringify(result),
      };
    } catch (err) {
      if (!isQueryError(err)) throw err;
      return { ok: false, code: err.code, message: err.message, raw: err.message };
    }
  },
};

const hostileSessions = new Map<string, WorkspaceSession>();
let hostileEngine: QueryEngine | undefined;
/** Sessions under small hard limits, one per workspace, kept across breaches (a killed sandbox is rebuilt). */
const hostileSurface: SandboxSurface = {
  async query(workspace, sql) {
    hostileEngine ??= await openQueryEngine(lake.store, {
      session: {
        timeoutMs: 2_000,
        killGraceMs: 500,
        threads: 1,
        tempRoot: lake.dir,
        processMemoryLimit: "768MB",
      },
    });
    let session = hostileSessions.get(workspace);
    if (session === undefined) {
      session = await hostileEngine.openSession(lake.region, workspace);
      hostileSessions.set(workspace, session);
    }
    try {
      const result = await session.query(sql);
      return {
        ok: true,
        columns: result.columns.map((c) => c.name),
        rows: result.rows,
        raw: JSON.stringify(result),
      };
    } catch (err) {
      if (!isQueryError(err)) throw err;
      return { ok: false, code: err.code, message: err.message, raw: err.message };
    }
  },
};
afterAll(async () => {
  for (const s of hostileSessions.values()) await s.close();
  await hostileEngine?.close();
});

describeHostileQueries(
  "library session",
  () => ({
    surface: hostileSurface,
    tables: lake.tables,
    secrets: [lake.dir],
    rss: () => process.memoryUsage.rss(),
  }),
  { describe, it },
);

describeSandboxConformance(
  "library session, local lake",
  () => ({ surface, tables: lake.tables, otherWorkspaceFile: lake.otherWorkspaceFile, secrets: [lake.dir] }),
  { describe, it },
);

async function refusal(p: Promise<unknown>): Promise<QueryError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(QueryError);
  return err as QueryError;
}

describe("workspace sessions", () => {
  it("lists the tables it shows with their versions, rows and columns, the workspace column kept", async () => {
    const session = await sessionOf("ws-alpha");
    expect(session.tables.map((t) => [t.name, t.version, t.rowCount])).toEqual([
      ["jira_issue", 2, 11],
      ["jira_project", 1, 2],
    ]);
    const columns = session.tables[0]?.columns.map((c) => c.name) ?? [];
    expect(columns).toContain("workspace_id");
    expect(columns).toContain("resolved_at");
    expect(columns).not.toContain("envelope_fields_payload_hash");
    expect(session.tables[0]?.columns.find((c) => c.name === "resolved_at")?.type).toBe("TIMESTAMPTZ");
  });

  it("cuts results at the row limit and says so; integers come back as numbers", async () => {
    const session = await sessionOf("ws-alpha");
    const result = await session.query("SELECT range AS n FROM range(50)", { maxRows: 7 });
    expect(result.rowCount).toBe(7);
    expect(result.truncated).toBe(true);
    expect(result.rows.map((r) => r[0])).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const big = await session.query("SELECT 9007199254740993::BIGINT AS n, 3::BIGINT AS m");
    expect(big.rows).toEqual([["9007199254740993", 3]]);
    expect(big.truncated).toBe(false);
  });

  it("streams rows batch by batch under the row and byte limits", async () => {
    const session = await engine.openSession(lake.region, "ws-alpha", { maxResultBytes: 100_000 });
    try {
      const stream = await session.stream("SELECT range AS n FROM range(5000)", { maxRows: 4500 });
      expect(stream.columns).toEqual([{ name: "n", type: "BIGINT" }]);
      const batches: number[] = [];
      let last = -1;
      for await (const rows of stream) {
        batches.push(rows.length);
        for (const [n] of rows) expect(n).toBe(++last);
      }
      expect(batches.length).toBeGreaterThan(1);
      expect(batches.reduce((a, b) => a + b, 0)).toBe(4500);
      expect(await stream.done).toMatchObject({ rowCount: 4500, truncated: true, rows: [] });
      const big = await session.stream("SELECT repeat('x', 100) AS s FROM range(5000)");
      let received = 0;
      const failed = await (async () => {
        for await (const rows of big) received += rows.length;
      })().catch((e: unknown) => e);
      expect(isQueryError(failed) && failed.code).toBe("RESULT_TOO_LARGE");
      expect(received).toBeLessThan(1000);
      expect((await refusal(session.stream("SELECT * FROM pg_settings"))).code).toBe("TABLE_NOT_ALLOWED");
      expect((await session.query("SELECT 1 AS still_usable")).rows).toEqual([[1]]);
    } finally {
      await session.close();
    }
  });

  it("refuses results above the byte limit and queries above the memory limit", async () => {
    const small = await engine.openSession(lake.region, "ws-alpha", {
      maxResultBytes: 1000,
      memoryLimit: "64MB",
      threads: 1,
    });
    try {
      expect((await refusal(small.query("SELECT repeat('x', 2000) AS big"))).code).toBe("RESULT_TOO_LARGE");
      const oom = await refusal(
        small.query(
          "SELECT count(DISTINCT s) FROM (SELECT md5(range::VARCHAR) || range AS s FROM range(4000000))",
        ),
      );
      expect(oom.code).toBe("QUERY_OUT_OF_MEMORY");
      expect(oom.message).toContain("64MB");
      expect(oom.message).not.toMatch(/SET memory_limit/);
      expect((await small.query("SELECT 1 AS still_usable")).rows).toEqual([[1]]);
    } finally {
      await small.close();
    }
  });

  it("stops a running query on interrupt() and refuses queries once closed", async () => {
    const session = await engine.openSession(lake.region, "ws-beta", { timeoutMs: 20_000 });
    const running = refusal(
      session.query("SELECT count(*) FROM range(1000000000000) AS a(x) WHERE x % 7 = 3"),
    );
    setTimeout(() => session.interrupt(), 200);
    expect((await running).code).toBe("QUERY_INTERRUPTED");
    await session.close();
    expect((await refusal(session.query("SELECT 1"))).code).toBe("SESSION_CLOSED");
  });

  it("refuses an unknown region, a bad workspace id and bad limits before touching DuckDB", async () => {
    expect((await refusal(engine.openSession("nowhere-1", "ws-alpha"))).code).toBe("REGION_NOT_FOUND");
    expect((await refusal(engine.openSession("Bad Region", "ws-alpha"))).code).toBe("INVALID_ARGUMENT");
    expect((await refusal(engine.openSession(lake.region, "ws'; DROP"))).code).toBe("INVALID_ARGUMENT");
    expect((await refusal(engine.openSession(lake.region, "ws-alpha", { memoryLimit: "lots" }))).code).toBe(
      "INVALID_ARGUMENT",
    );
  });

  it("shows an empty table to a workspace without rows in it", async () => {
    const session = await engine.openSession(lake.region, "ws-nobody");
    try {
      expect(session.tables.map((t) => t.rowCount)).toEqual([0, 0]);
      expect((await session.query("SELECT count(*) FROM jira_issue")).rows).toEqual([[0]]);
    } finally {
      await session.close();
    }
  });

  it("skips a table without a workspace column, and filters a table not partitioned by workspace", async () => {
    const instance = await DuckDBInstance.create(":memory:", { threads: "1" });
    const connection = await instance.connect();
    try {
      const open = (name: string) =>
        openTable(lake.store, regionLayout.table("other-region", name), connection, {
          scratchDir: `${lake.dir}/scratch`,
          cacheDir: `${lake.dir}/cache`,
        });
      await mergeBatch(
        open("global_config"),
        {
          kind: "merge",
          primaryKey: ["k"],
          lww: { generation: "g", version: "v", tombstone: "t", payloadHash: "h" },
        },
        {
          rows: [{ k: "a", g: 0, v: 1, t: false, h: "x" }],
          columns: { k: "VARCHAR", g: "BIGINT", v: "BIGINT", t: "BOOLEAN", h: "VARCHAR" },
        },
        { appId: "test", version: 1 },
      );
      const row = (ws: string, id: string, tombstone: boolean) => ({
        envelope_fields_resource_ari_value: id,
        envelope_fields_version: 1,
        envelope_fields_is_tombstone: tombstone,
        envelope_fields_generation_counter: 0,
        envelope_fields_payload_hash: "h",
        summary: `${id} of ${ws}`,
        workspace_id: ws,
      });
      const columns = Object.fromEntries(
        Object.keys(row("", "", false)).map((c) => [c, EXAMPLE_ISSUE_COLUMNS[c] ?? "VARCHAR"]),
      );
      await mergeBatch(
        open("flat_issue"),
        { ...EXAMPLE_MERGE_CONFIG, partitionColumns: [] },
        {
          rows: [row("ws-alpha", "a1", false), row("ws-alpha", "a2", true), row("ws-beta", "b1", false)],
          columns,
        },
        { appId: "test", version: 1 },
      );
      const session = await engine.openSession("other-region", "ws-alpha");
      try {
        expect(session.skipped).toEqual([
          expect.objectContaining({ name: "global_config", reason: expect.stringContaining("workspace_id") }),
        ]);
        expect(session.tables.map((t) => t.name)).toEqual(["flat_issue"]);
        expect((await session.query("SELECT summary FROM flat_issue")).rows).toEqual([["a1 of ws-alpha"]]);
        expect((await refusal(session.query("SELECT * FROM global_config"))).code).toBe("QUERY_INVALID");
      } finally {
        await session.close();
      }
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  });
});
