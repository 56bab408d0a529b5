// The PostgreSQL endpoint driven by clients we do not write: psql (\dt, \d, the seed query, a prepared
// statement, wrong passwords), Node's pg (the whole sandbox conformance suite, with each refusal's SQLSTATE;
// parameters and named prepared statements) and Python's psycopg (parameters, catalog listing, a refused login).
// The example lake is local; the clients connect over TCP to a server in this process.

import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  ISSUES_RESOLVED_PER_MONTH,
  openQueryEngine,
  type PgServer,
  parsePgCredentials,
  type QueryEngine,
  sqlStateOf,
  startPgServer,
  tokenDigest,
} from "@facsimile/query";
import {
  describeSandboxConformance,
  EXPECTED_ISSUES_RESOLVED_PER_MONTH,
  type ExampleLake,
  openExampleLake,
  type SandboxSurface,
} from "@facsimile/query/testing";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureSqlClients, psql, runClient, type SqlClients, selfSignedCertificate } from "./sql-clients.js";

const secretOf = (ws: string) => `pg-secret-of-${ws}-0123456789`;
// int8 and numeric as numbers, as the other surfaces return them.
pg.types.setTypeParser(20, Number);
pg.types.setTypeParser(1700, Number);

let lake: ExampleLake;
let engine: QueryEngine;
let server: PgServer;
let clients: SqlClients;
const open = new Map<string, pg.Client>();

beforeAll(async () => {
  clients = ensureSqlClients();
  lake = await openExampleLake();
  engine = await openQueryEngine(lake.location, {
    session: { timeoutMs: 1_500, threads: 1, tempRoot: lake.dir, cacheDir: join(lake.dir, "cache") },
  });
  const credentials = parsePgCredentials({
    workspaces: Object.fromEntries(lake.tables.workspaces.map((ws) => [ws, secretOf(ws)])),
  });
  server = await startPgServer(engine, { region: lake.region, credentials, port: 0 });
}, 120_000);
afterAll(async () => {
  for (const c of open.values()) await c.end().catch(() => undefined);
  await server?.close();
  await engine?.close();
  await lake?.close();
});

async function client(ws: string): Promise<pg.Client> {
  let c = open.get(ws);
  if (c === undefined) {
    c = new pg.Client({
      host: "127.0.0.1",
      port: server.port,
      user: ws,
      password: secretOf(ws),
      database: "any",
    });
    await c.connect();
    open.set(ws, c);
  }
  return c;
}

const alpha = () => lake.tables.workspaces[0] as string;
const beta = () => lake.tables.workspaces[1] as string;

describe("psql", () => {
  it("lists the workspace's tables with \\dt", async () => {
    const run = await psql(clients, server.port, alpha(), secretOf(alpha()), ["\\dt"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.split("\n")).toEqual(
      expect.arrayContaining([
        "Schema|Name|Type|Owner",
        "main|jira_issue|table|facsimile",
        "main|jira_project|table|facsimile",
      ]),
    );
  });

  it("describes jira_issue with \\d: columns with PostgreSQL types, LWW columns hidden", async () => {
    const run = await psql(clients, server.port, alpha(), secretOf(alpha()), ["\\d jira_issue"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Table "main.jira_issue"');
    expect(run.stdout).toMatch(/^workspace_id\|text\|\|\|$/m);
    expect(run.stdout).toMatch(/^created_at\|timestamp with time zone\|\|\|$/m);
    expect(run.stdout).toMatch(/^vote_count\|integer\|\|\|$/m);
    expect(run.stdout).not.toContain("envelope_fields_version");
  });

  it("runs the seed's query: issues resolved per month", async () => {
    const run = await psql(
      clients,
      server.port,
      alpha(),
      secretOf(alpha()),
      [ISSUES_RESOLVED_PER_MONTH.sql],
      ["-t"],
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim().split("\n")).toEqual(EXPECTED_ISSUES_RESOLVED_PER_MONTH.map((r) => r.join("|")));
  });

  it("runs a prepared statement with PREPARE and EXECUTE", async () => {
    const run = await psql(
      clients,
      server.port,
      alpha(),
      secretOf(alpha()),
      [
        "PREPARE by_ws AS SELECT count(*) FROM jira_issue WHERE workspace_id = $1",
        `EXECUTE by_ws('${alpha()}')`,
        `EXECUTE by_ws('${beta()}')`,
      ],
      ["-t"],
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim().split("\n")).toEqual(["PREPARE", String(lake.tables.liveIssues), "0"]);
  });

  it("describes a statement without running it: \\gdesc (Parse, Describe of the statement)", async () => {
    const run = await psql(
      clients,
      server.port,
      alpha(),
      secretOf(alpha()),
      [],
      [],
      "disable",
      "SELECT count(*) AS n, max(key) AS k, min(created_at) AS t FROM jira_issue \\gdesc\n",
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.split("\n").slice(0, 4)).toEqual([
      "Column|Type",
      "n|bigint",
      "k|text",
      "t|timestamp with time zone",
    ]);
  });

  it("refuses a wrong password and another workspace's password with 28P01", async () => {
    for (const password of ["not-the-secret-0123456789", secretOf(beta())]) {
      const run = await psql(clients, server.port, alpha(), password, ["SELECT 1"]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`FATAL:  password authentication failed for user "${alpha()}"`);
    }
    const unknown = await psql(clients, server.port, "ws-nobody", secretOf(alpha()), ["SELECT 1"]);
    expect(unknown.stderr).toContain('FATAL:  password authentication failed for user "ws-nobody"');
    // psql prints no SQLSTATE before it is connected: node-pg shows it.
    const c = new pg.Client({
      host: "127.0.0.1",
      port: server.port,
      user: alpha(),
      password: secretOf(beta()),
    });
    await expect(c.connect()).rejects.toMatchObject({ code: "28P01" });
  });

  it("refuses a sandbox probe with its SQLSTATE", async () => {
    const run = await psql(clients, server.port, alpha(), secretOf(alpha()), [
      "SELECT * FROM read_csv('/etc/passwd')",
    ]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain("ERROR:  42501:");
    expect(run.stderr).toContain("facsimile code FILE_ACCESS_NOT_ALLOWED");
  });
});

describe("cleartext password authentication (--auth password)", () => {
  it("accepts the workspace's secret or its sha256 digest entry, and refuses others with 28P01", async () => {
    const credentials = parsePgCredentials({
      workspaces: { [alpha()]: secretOf(alpha()), [beta()]: tokenDigest(secretOf(beta())) },
    });
    const cleartext = await startPgServer(engine, {
      region: lake.region,
      credentials,
      port: 0,
      auth: "password",
    });
    try {
      for (const ws of [alpha(), beta()]) {
        const c = new pg.Client({
          host: "127.0.0.1",
          port: cleartext.port,
          user: ws,
          password: secretOf(ws),
        });
        await c.connect();
        try {
          expect((await c.query("SELECT DISTINCT workspace_id FROM jira_issue")).rows).toEqual([
            { workspace_id: ws },
          ]);
        } finally {
          await c.end();
        }
      }
      const wrong = new pg.Client({
        host: "127.0.0.1",
        port: cleartext.port,
        user: alpha(),
        password: secretOf(beta()),
      });
      await expect(wrong.connect()).rejects.toMatchObject({ code: "28P01" });
    } finally {
      await cleartext.close();
    }
  });
});

describe("TLS", () => {
  it("speaks TLS after SSLRequest when given a certificate, and refuses SSL ('N') without one", async () => {
    const files = selfSignedCertificate(clients, lake.dir);
    const credentials = parsePgCredentials({ workspaces: { [alpha()]: secretOf(alpha()) } });
    const tls = { cert: await readFile(files.cert), key: await readFile(files.key) };
    const secure = await startPgServer(engine, { region: lake.region, credentials, port: 0, tls });
    try {
      const run = await psql(
        clients,
        secure.port,
        alpha(),
        secretOf(alpha()),
        ["\\conninfo", "SELECT count(*) FROM jira_project"],
        ["-t"],
        "require",
      );
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/SSL connection \(protocol: TLSv1\.[23]/);
      const c = new pg.Client({
        host: "127.0.0.1",
        port: secure.port,
        user: alpha(),
        password: secretOf(alpha()),
        ssl: { rejectUnauthorized: false },
      });
      await c.connect();
      try {
        expect((await c.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
      } finally {
        await c.end();
      }
    } finally {
      await secure.close();
    }
    const plain = await psql(clients, server.port, alpha(), secretOf(alpha()), ["SELECT 1"], [], "require");
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain("server does not support SSL");
  });
});

/** The sandbox suite through node-pg: rows as node-pg parses them, refusals as SQLSTATE + facsimile code. */
const surface: SandboxSurface = {
  async query(workspace, sql) {
    const c = await client(workspace);
    try {
      const result = await c.query({ text: sql, rowMode: "array" });
      const rows = (result.rows as unknown[][]).map((r) =>
        r.map((v) => (v instanceof Date ? v.toISOString() : v)),
      );
      return {
        ok: true,
        columns: result.fields.map((f) => f.name),
        rows: rows as never,
        raw: JSON.stringify(rows),
      };
    } catch (err) {
      const e = err as pg.DatabaseError;
      const code = /facsimile code ([A-Z_]+)/.exec(e.detail ?? "")?.[1] ?? "";
      // Every refusal is a PostgreSQL error with the SQLSTATE of its code.
      expect(e.code, `${sql}: ${e.message}`).toBe(sqlStateOf(code, e.message));
      return { ok: false, code, message: e.message, raw: JSON.stringify({ ...e, message: e.message }) };
    }
  },
};

describeSandboxConformance(
  "PostgreSQL endpoint (node-pg)",
  () => ({ surface, tables: lake.tables, otherWorkspaceFile: lake.otherWorkspaceFile, secrets: [lake.dir] }),
  { describe, it },
);

describe("node-pg", () => {
  it("binds parameters and runs a named prepared statement several times", async () => {
    const c = await client(alpha());
    const named = { name: "issues-of", text: "SELECT count(*) AS n FROM jira_issue WHERE workspace_id = $1" };
    expect((await c.query({ ...named, values: [alpha()] })).rows).toEqual([{ n: lake.tables.liveIssues }]);
    expect((await c.query({ ...named, values: [beta()] })).rows).toEqual([{ n: 0 }]);
    const typed = await c.query(
      "SELECT $1::INTEGER + 1 AS x, $2::VARCHAR AS s, $3::VARCHAR IS NULL AS missing",
      [41, "it's", null],
    );
    expect(typed.rows).toEqual([{ x: 42, s: "it's", missing: true }]);
    expect(typed.fields.map((f) => f.dataTypeID)).toEqual([23, 25, 16]);
  });

  it("keeps the connection usable after an error in the extended protocol", async () => {
    const c = await client(alpha());
    await expect(c.query("SELECT * FROM read_text($1)", ["/etc/hostname"])).rejects.toMatchObject({
      code: "42501",
    });
    expect((await c.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
  });
});

describe("psycopg", () => {
  const script = `
import json, sys, psycopg
port, user, password, other = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
out = {}
with psycopg.connect(host="127.0.0.1", port=port, user=user, password=password, dbname="facsimile", sslmode="disable") as conn:
    with conn.cursor() as cur:
        cur.execute("SELECT table_name FROM information_schema.tables ORDER BY 1")
        out["tables"] = [r[0] for r in cur.fetchall()]
        cur.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position", ("jira_project",))
        out["columns"] = [r[0] for r in cur.fetchall()]
        cur.execute("SELECT count(*) FROM jira_issue WHERE workspace_id = %s", (user,))
        out["mine"] = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM jira_issue WHERE workspace_id = %s", (other,))
        out["other"] = cur.fetchone()[0]
        try:
            cur.execute("COPY jira_issue TO '/tmp/facsimile-leak.csv'")
        except psycopg.Error as e:
            out["refused"] = e.sqlstate
try:
    psycopg.connect(host="127.0.0.1", port=port, user=user, password="wrong-password-0123456789", sslmode="disable")
except psycopg.OperationalError as e:
    out["wrongPassword"] = "28P01" in str(e) or "password authentication failed" in str(e)
print(json.dumps(out))
`;
  it("lists tables and columns, binds parameters, and is refused with SQLSTATEs", async () => {
    const run = await runClient(
      clients.python,
      ["-c", script, String(server.port), alpha(), secretOf(alpha()), beta()],
      {},
    );
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(out.tables).toEqual(["jira_issue", "jira_project"]);
    expect(out.columns).toContain("workspace_id");
    expect(out.columns).not.toContain("envelope_fields_version");
    expect(out.mine).toBe(lake.tables.liveIssues);
    expect(out.other).toBe(0);
    expect(out.refused).toBe("42501");
    expect(out.wrongPassword).toBe(true);
  });
});
