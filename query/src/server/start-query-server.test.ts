// The HTTP endpoint for real: node:http on 127.0.0.1:0, example tables on local disk, one DuckDB per request.
// The sandbox suite through HTTP, then what only HTTP has: tokens, statuses, CSV, busy, graceful close.
import { mkdir, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { join } from "node:path";
import { waitFor } from "@facsimile/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeExampleTables } from "../examples/example-tables.js";
import { openQueryEngine, type QueryEngine } from "../open-query-engine.js";
import type { QueryValue } from "../session/query-result.js";
import { type ExampleLake, openExampleLake } from "../testing/example-lake.js";
import { describeHostileQueries } from "../testing/hostile-queries.js";
import { describeSandboxConformance, type SandboxSurface } from "../testing/sandbox-conformance.js";
import { type QueryServer, startQueryServer } from "./start-query-server.js";
import { parseWorkspaceTokens } from "./workspace-tokens.js";

let lake: ExampleLake;
let engine: QueryEngine;
let server: QueryServer;
let hostileEngine: QueryEngine;
let hostileServer: QueryServer;
const log: string[] = [];
const tokenOf = (ws: string) => `token-of-${ws}-0123456789`;

beforeAll(async () => {
  lake = await openExampleLake();
  engine = await openQueryEngine(lake.store, {
    session: { timeoutMs: 1_000, threads: 1, tempRoot: lake.dir },
  });
  const tokens = parseWorkspaceTokens({
    workspaces: Object.fromEntries(lake.tables.workspaces.map((ws) => [ws, tokenOf(ws)])),
  });
  server = await startQueryServer(engine, { tokens, port: 0, log: (line) => log.push(line) });
  hostileEngine = await openQueryEngine(lake.store, {
    session: {
      timeoutMs: 2_000,
      killGraceMs: 500,
      threads: 1,
      tempRoot: lake.dir,
      processMemoryLimit: "768MB",
    },
  });
  hostileServer = await startQueryServer(hostileEngine, {
    tokens,
    port: 0,
    maxConcurrent: 4,
    headersTimeoutMs: 500,
    requestTimeoutMs: 1_000,
  });
});
afterAll(async () => {
  await hostileServer?.close();
  await hostileEngine?.close();
  await server?.close();
  await engine?.close();
  await lake?.close();
});

interface Posted {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: {
    error?: { code: string; message: string };
    columns?: { name: string }[];
    rows?: QueryValue[][];
  };
}

async function post(
  path: string,
  body: unknown,
  init: { token?: string | undefined; headers?: Record<string, string>; url?: string } = {},
): Promise<Posted> {
  const res = await fetch(`${init.url ?? server.url}${path}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(init.token === undefined ? {} : { authorization: `Bearer ${init.token}` }),
      ...init.headers,
    },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: Posted["json"] = {};
  try {
    json = JSON.parse(text) as Posted["json"];
  } catch {
    // CSV
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** Resolves once the server runs a query (and a moment more, so DuckDB has started it). */
async function running(target: QueryServer): Promise<void> {
  await waitFor("a running query", () => target.activeQueries > 0, { intervalMs: 10 });
  await new Promise((resolve) => setTimeout(resolve, 50));
}

const queryPath = (ws: string, region = lake.region) => `/v1/regions/${region}/workspaces/${ws}/query`;

const surfaceAt = (url: () => string): SandboxSurface => ({
  async query(workspace, sql) {
    const r = await post(queryPath(workspace), { sql }, { token: tokenOf(workspace), url: url() });
    if (r.status === 200)
      return {
        ok: true,
        columns: (r.json.columns ?? []).map((c) => c.name),
        rows: r.json.rows ?? [],
        raw: r.text,
      };
    expect(r.json.error?.code, r.text).toBeTypeOf("string");
    // The statuses analysts can rely on: their mistakes are 400, the time limit 408.
    expect(r.status).toBe(r.json.error?.code === "QUERY_TIMEOUT" ? 408 : 400);
    return { ok: false, code: r.json.error?.code ?? "", message: r.json.error?.message ?? "", raw: r.text };
  },
});
const surface = surfaceAt(() => server.url);

describeHostileQueries(
  "HTTP endpoint",
  () => ({
    surface: surfaceAt(() => hostileServer.url),
    tables: lake.tables,
    secrets: [lake.dir],
    rss: () => process.memoryUsage.rss(),
  }),
  { describe, it },
);

describeSandboxConformance(
  "HTTP endpoint, local lake",
  () => ({ surface, tables: lake.tables, otherWorkspaceFile: lake.otherWorkspaceFile, secrets: [lake.dir] }),
  { describe, it },
);

describe("the query endpoint", () => {
  it("closes the socket of a client that never finishes its headers", async () => {
    const socket = connect(hostileServer.port, "127.0.0.1");
    const closed = new Promise<string>((resolve) => {
      let text = "";
      socket.on("data", (d: Buffer) => {
        text += d.toString("utf8");
      });
      socket.on("close", () => resolve(text));
      socket.on("error", () => resolve(text));
    });
    socket.write("POST /v1/regions/x/workspaces/y/query HTTP/1.1\r\nHost: localhost\r\nX-Slow: ");
    expect(await closed).toMatch(/^HTTP\/1\.1 408/);
    const ok = await post(
      queryPath("ws-alpha"),
      { sql: "SELECT 1 AS one" },
      { token: tokenOf("ws-alpha"), url: hostileServer.url },
    );
    expect(ok.json.rows).toEqual([[1]]);
  });

  it("wants a token of the workspace: 401 without or with a wrong one, 403 with another workspace's", async () => {
    const sql = { sql: "SELECT count(*) FROM jira_issue" };
    const none = await post(queryPath("ws-alpha"), sql);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(none.json.error?.code).toBe("UNAUTHENTICATED");
    expect((await post(queryPath("ws-alpha"), sql, { token: "guess-guess-guess-guess" })).status).toBe(401);
    const other = await post(queryPath("ws-alpha"), sql, { token: tokenOf("ws-beta") });
    expect(other.status).toBe(403);
    expect(other.json.error?.code).toBe("FORBIDDEN");
    expect(other.text).not.toContain("ws-beta");
    const unknown = await post(queryPath("ws-unknown"), sql, { token: tokenOf("ws-alpha") });
    expect(unknown.status).toBe(403);
    const ok = await post(queryPath("ws-alpha"), sql, { token: tokenOf("ws-alpha") });
    expect(ok.status).toBe(200);
    expect(ok.json.rows).toEqual([[lake.tables.liveIssues]]);
  });

  it("answers CSV when asked, in the body or by Accept", async () => {
    const sql = "SELECT key, labels FROM jira_issue WHERE issue_id_value IN ('2', '3') ORDER BY key";
    const token = tokenOf("ws-alpha");
    const byBody = await post(queryPath("ws-alpha"), { sql, format: "csv" }, { token });
    expect(byBody.status).toBe(200);
    expect(byBody.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(byBody.headers.get("x-facsimile-truncated")).toBe("false");
    expect(byBody.text).toBe('key,labels\r\nAPO-3,"[""backend""]"\r\nBOR-2,"[""frontend"",""ux""]"\r\n');
    const byAccept = await post(queryPath("ws-alpha"), { sql }, { token, headers: { accept: "text/csv" } });
    expect(byAccept.text).toBe(byBody.text);
    const cut = await post(queryPath("ws-alpha"), { sql: "SELECT * FROM range(10)", maxRows: 3 }, { token });
    expect(cut.json.rows).toEqual([[0], [1], [2]]);
    expect(cut.json).toMatchObject({ truncated: true, rowCount: 3 });
  });

  it("refuses bad requests with JSON errors: body, media type, size, method, path, region", async () => {
    const token = tokenOf("ws-alpha");
    const path = queryPath("ws-alpha");
    const expectError = (r: Posted, status: number, code: string) => {
      expect(r.status, r.text).toBe(status);
      expect(r.json.error?.code).toBe(code);
    };
    expectError(await post(path, "{nope", { token }), 400, "INVALID_REQUEST");
    expectError(await post(path, { query: "SELECT 1" }, { token }), 400, "INVALID_REQUEST");
    expectError(await post(path, { sql: "SELECT 1", format: "xml" }, { token }), 400, "INVALID_REQUEST");
    expectError(await post(path, { sql: "SELECT 1", maxRows: -1 }, { token }), 400, "INVALID_REQUEST");
    expectError(
      await post(path, { sql: "SELECT 1" }, { token, headers: { "content-type": "text/plain" } }),
      415,
      "UNSUPPORTED_MEDIA_TYPE",
    );
    expectError(
      await post(path, { sql: `SELECT '${"x".repeat(300_000)}'` }, { token }),
      413,
      "BODY_TOO_LARGE",
    );
    expectError(
      await post(queryPath("ws-alpha", "nowhere-1"), { sql: "SELECT 1" }, { token }),
      404,
      "REGION_NOT_FOUND",
    );
    expectError(await post("/v1/nothing", { sql: "SELECT 1" }, { token }), 404, "NOT_FOUND");
    const get = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    expect((await (await fetch(`${server.url}/healthz`)).json()) as unknown).toEqual({ status: "ok" });
  });

  it("keeps a region queryable when one table's log is corrupt, hiding why from the client", async () => {
    const log0 = log.length;
    await writeExampleTables(lake.store, "broken-1");
    const broken = join(lake.location, "regions/broken-1/tables/jira_issue/_delta_log");
    await mkdir(broken, { recursive: true });
    await writeFile(join(broken, "00000000000000000003.json"), "{this is not a commit");
    const ask = (sql: string) =>
      post(queryPath("ws-alpha", "broken-1"), { sql }, { token: tokenOf("ws-alpha") });
    const fine = await ask("SELECT count(*) FROM jira_project");
    expect(fine.status).toBe(200);
    expect(fine.json.rows).toEqual([[2]]);
    const r = await ask("SELECT * FROM jira_issue");
    expect(r.status).toBe(503);
    expect(r.json.error?.code).toBe("TABLE_UNAVAILABLE");
    expect(r.json.error?.message).toContain("jira_issue");
    expect(r.text).not.toContain(lake.dir);
    expect(r.text).not.toMatch(/\bat .*\.ts:\d+/);
    expect(log.slice(log0).join("\n")).toMatch(/table jira_issue of broken-1 is unreadable: .*version 3/);
  });

  it("turns requests away when every session slot and queue place is taken", async () => {
    const tokens = parseWorkspaceTokens({ workspaces: { "ws-alpha": tokenOf("ws-alpha") } });
    const small = await startQueryServer(engine, { tokens, port: 0, maxConcurrent: 1, maxQueued: 0 });
    try {
      const slow = post(
        queryPath("ws-alpha"),
        { sql: "SELECT count(*) FROM range(1000000000000) AS a(x) WHERE x % 7 = 3", timeoutMs: 800 },
        { token: tokenOf("ws-alpha"), url: small.url },
      );
      await running(small);
      const busy = await post(
        queryPath("ws-alpha"),
        { sql: "SELECT 1" },
        { token: tokenOf("ws-alpha"), url: small.url },
      );
      expect(busy.status).toBe(503);
      expect(busy.json.error?.code).toBe("BUSY");
      expect(busy.headers.get("retry-after")).toBe("1");
      expect((await slow).status).toBe(408);
    } finally {
      await small.close();
    }
  });

  it("closes gracefully: running queries finish, then late ones are interrupted, then it stops", async () => {
    const tokens = parseWorkspaceTokens({ workspaces: { "ws-alpha": tokenOf("ws-alpha") } });
    const token = tokenOf("ws-alpha");
    const slowSql = "SELECT count(*) FROM range(1000000000000) AS a(x) WHERE x % 7 = 3";
    const patient = await startQueryServer(engine, { tokens, port: 0 });
    const finishing = post(
      queryPath("ws-alpha"),
      { sql: slowSql, timeoutMs: 600 },
      { token, url: patient.url },
    );
    await running(patient);
    await patient.close();
    expect((await finishing).status).toBe(408);
    await expect(fetch(`${patient.url}/healthz`)).rejects.toThrow();

    const hasty = await startQueryServer(engine, { tokens, port: 0, shutdownGraceMs: 100 });
    const cut = post(queryPath("ws-alpha"), { sql: slowSql }, { token, url: hasty.url });
    await running(hasty);
    await hasty.close();
    const answer = await cut;
    expect(answer.status).toBe(503);
    expect(answer.json.error?.code).toBe("QUERY_INTERRUPTED");
  });
});
