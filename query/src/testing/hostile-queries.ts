// The hostile analyst's suite, run against every way of querying a workspace (library, CLI, HTTP): queries that
// try to take the server down (a result far above the byte limit, one value that needs gigabytes, one value
// that ignores DuckDB's interrupt) and queries that try to read the host (pg_settings, duckdb_logs,
// current_setting). Each breach must be answered with its typed error while another workspace's query, sent at
// the same time, is answered normally; afterwards the surface answers again and, for surfaces running in this
// process, the process's memory is back under a stated bound. Like the conformance suite, it never mocks DuckDB
// or the store, and imports no test framework.
import assert from "node:assert/strict";
import { homedir, tmpdir } from "node:os";
import type { ExampleTables } from "../examples/example-tables.js";
import type { SandboxSurface, SurfaceOutcome } from "./sandbox-conformance.js";

export interface HostileQueriesContext {
  /** Must run with a small hard memory cap (processMemoryLimit about 768MB) and a time limit of 1-3 s. */
  readonly surface: SandboxSurface;
  readonly tables: ExampleTables;
  /** Texts that must never come back (the lake's location, credentials); temp and home dirs are added. */
  readonly secrets: readonly string[];
  /** Resident memory of the process serving the surface, when it is this process (library, HTTP). */
  readonly rss?: () => number;
}

export interface HostileQueriesRunner {
  describe(name: string, body: () => void): void;
  it(name: string, body: () => Promise<void>, timeoutMs?: number): void;
}

/** The memory bound checked after the breaches: generous, it only catches a result materialized in-process. */
export const HOSTILE_RSS_BOUND_BYTES = 1.5 * 2 ** 30;

/** Limit breaches and the typed errors each may be answered with. */
export const LIMIT_BREACHES: readonly { readonly sql: string; readonly codes: readonly string[] }[] =
  Object.freeze([
    // 4.5 GB of text: the byte limit or the process cap stops it, never this process's heap.
    {
      sql: "SELECT repeat(chr(120), 450000) AS s FROM range(10001)",
      codes: ["RESULT_TOO_LARGE", "QUERY_OUT_OF_MEMORY", "QUERY_TIMEOUT"],
    },
    // Small rows, many of them: the byte limit holds while the rows stream in.
    // (On a loaded machine the deadline may come first: also a typed answer.)
    { sql: "SELECT repeat('x', 5000) AS s FROM range(9000)", codes: ["RESULT_TOO_LARGE", "QUERY_TIMEOUT"] },
    // One value of 1.6 GB: DuckDB's memory_limit does not bound it; the process cap (or the deadline) does.
    { sql: "SELECT len(range(200000000)) AS n", codes: ["QUERY_OUT_OF_MEMORY", "QUERY_TIMEOUT"] },
    // One value that ignores DuckDB's interrupt: the process is killed past the deadline.
    {
      sql: "SELECT length(regexp_replace(repeat('ab', 40000000), 'a', 'c', 'g')) AS n",
      codes: ["QUERY_TIMEOUT", "QUERY_OUT_OF_MEMORY"],
    },
  ]);

/** Reads of the host through the catalog and settings, with the code and the name each refusal must give. */
export const HOST_READS: readonly { readonly sql: string; readonly code: string; readonly name: string }[] =
  Object.freeze([
    { sql: "SELECT * FROM pg_settings", code: "TABLE_NOT_ALLOWED", name: "pg_settings" },
    {
      sql: "SELECT name, setting FROM pg_catalog.pg_settings",
      code: "TABLE_NOT_ALLOWED",
      name: "pg_settings",
    },
    { sql: "SELECT * FROM duckdb_logs", code: "TABLE_NOT_ALLOWED", name: "duckdb_logs" },
    {
      sql: "SELECT * FROM jira_issue WHERE key IN (SELECT name FROM pg_settings)",
      code: "TABLE_NOT_ALLOWED",
      name: "pg_settings",
    },
    {
      sql: "SELECT current_setting('temp_directory')",
      code: "FUNCTION_NOT_ALLOWED",
      name: "current_setting",
    },
    { sql: "SELECT * FROM duckdb_settings()", code: "FUNCTION_NOT_ALLOWED", name: "duckdb_settings" },
  ]);

export function describeHostileQueries(
  name: string,
  context: () => HostileQueriesContext,
  runner: HostileQueriesRunner,
  timeoutMs = 120_000,
): void {
  const ask = async (sql: string, workspace: string): Promise<SurfaceOutcome> => {
    const c = context();
    const outcome = await c.surface.query(workspace, sql);
    for (const other of c.tables.workspaces.filter((w) => w !== workspace))
      assert.ok(!outcome.raw.includes(c.tables.marker(other)), `${sql}: the answer holds ${other}'s data`);
    for (const secret of [...c.secrets, `${tmpdir()}/`, `${homedir()}/`])
      assert.ok(!outcome.raw.includes(secret), `${sql}: the answer holds ${JSON.stringify(secret)}`);
    return outcome;
  };
  const count = async (workspace: string) => {
    const outcome = await ask("SELECT count(*) AS n FROM jira_issue", workspace);
    assert.ok(outcome.ok, `the surface still answers ${workspace}: ${outcome.ok ? "" : outcome.code}`);
    assert.deepEqual(outcome.rows, [[context().tables.liveIssues]]);
  };
  const test = (title: string, body: () => Promise<void>) => runner.it(title, body, timeoutMs);
  runner.describe(`hostile queries: ${name}`, () => {
    test("answers each limit breach with a typed error while serving another workspace, then recovers", async () => {
      const [attacker, bystander] = context().tables.workspaces as [string, string];
      for (const breach of LIMIT_BREACHES) {
        const [outcome] = await Promise.all([ask(breach.sql, attacker), count(bystander)]);
        assert.ok(!outcome.ok, `${breach.sql}: expected one of ${breach.codes.join(", ")}, got rows`);
        assert.ok(
          breach.codes.includes(outcome.code),
          `${breach.sql}: got ${outcome.code}: ${outcome.message}`,
        );
        assert.ok(outcome.message.length > 20, `${breach.sql}: the message says what was wrong`);
        await count(attacker);
      }
      const rss = context().rss;
      if (rss !== undefined)
        assert.ok(
          rss() < HOSTILE_RSS_BOUND_BYTES,
          `resident memory ${rss()} is over ${HOSTILE_RSS_BOUND_BYTES}`,
        );
    });
    test("refuses every read of the host, naming what was refused", async () => {
      const ws = context().tables.workspaces[0] as string;
      for (const read of HOST_READS) {
        const outcome = await ask(read.sql, ws);
        assert.ok(!outcome.ok, `${read.sql}: expected ${read.code}, got rows`);
        assert.equal(outcome.code, read.code, `${read.sql}: ${outcome.message}`);
        assert.ok(outcome.message.includes(read.name), `${read.sql}: the message names ${read.name}`);
      }
    });
    test("accepts a PIVOT inside a subquery, values taken from the data", async () => {
      const ws = context().tables.workspaces[0] as string;
      const outcome = await ask(
        "SELECT count(*) AS n FROM (PIVOT (SELECT issue_id_value, status FROM jira_issue) ON status USING count(*))",
        ws,
      );
      assert.ok(
        outcome.ok,
        `PIVOT in a subquery: ${outcome.ok ? "" : `${outcome.code}: ${outcome.message}`}`,
      );
      assert.deepEqual(outcome.rows, [[context().tables.liveIssues]]);
    });
  });
}
