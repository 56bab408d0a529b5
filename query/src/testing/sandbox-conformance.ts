// The one sandbox suite every way of querying a workspace must pass (the library session, the CLI, the HTTP
// endpoint; local and S3 lakes), over the example tables: a workspace sees its own live rows and nothing
// else, and every forbidden statement is refused with its code, leaking no path, credential or other
// workspace's data. The test runner is passed in and assertions use node:assert, so importing this never
// loads a test framework. It must never mock DuckDB or the store: it drives the surface it is given.
import assert from "node:assert/strict";
import type { ExampleTables } from "../examples/example-tables.js";
import { ISSUES_RESOLVED_PER_MONTH } from "../examples/issues-resolved-per-month.js";
import type { QueryValue } from "../session/query-result.js";

/** What a surface answered: rows, or an error code, plus all the text it sent back (for leak checks). */
export type SurfaceOutcome =
  | {
      readonly ok: true;
      readonly columns: readonly string[];
      readonly rows: readonly (readonly QueryValue[])[];
      readonly raw: string;
    }
  | { readonly ok: false; readonly code: string; readonly message: string; readonly raw: string };

export interface SandboxSurface {
  /** Runs `sql` as an analyst of `workspace` in the fixture's region, the way this surface does. */
  query(workspace: string, sql: string): Promise<SurfaceOutcome>;
}

export interface SandboxConformanceContext {
  readonly surface: SandboxSurface;
  /** writeExampleTables() with its default workspaces and sizes. */
  readonly tables: ExampleTables;
  /** A data file of another workspace, as DuckDB would name it (a local path or an s3:// URL). */
  readonly otherWorkspaceFile: string;
  /** Texts that must never come back: the lake's location, credentials. */
  readonly secrets: readonly string[];
}

/** The part of a test runner the suite needs (vitest's describe/it fit). */
export interface SandboxConformanceRunner {
  describe(name: string, body: () => void): void;
  it(name: string, body: () => Promise<void>, timeoutMs?: number): void;
}

/** Issues resolved per month for every workspace of the default example tables (issue 1 is tombstoned). */
export const EXPECTED_ISSUES_RESOLVED_PER_MONTH: readonly (readonly QueryValue[])[] = Object.freeze([
  ["2024-01", "Apollo", 1],
  ["2024-01", "Borealis", 1],
  ["2024-02", "Apollo", 1],
  ["2024-02", "Borealis", 2],
  ["2024-03", "Apollo", 2],
  ["2024-03", "Borealis", 1],
]);

export function describeSandboxConformance(
  name: string,
  context: () => SandboxConformanceContext,
  runner: SandboxConformanceRunner,
  timeoutMs = 60_000,
): void {
  const ask = async (sql: string, workspace?: string): Promise<SurfaceOutcome> => {
    const c = context();
    const ws = workspace ?? (c.tables.workspaces[0] as string);
    const outcome = await c.surface.query(ws, sql);
    for (const other of c.tables.workspaces.filter((w) => w !== ws))
      assert.ok(!outcome.raw.includes(c.tables.marker(other)), `${sql}: the answer holds ${other}'s data`);
    for (const secret of c.secrets)
      assert.ok(!outcome.raw.includes(secret), `${sql}: the answer holds ${JSON.stringify(secret)}`);
    return outcome;
  };
  const rows = async (sql: string, workspace?: string) => {
    const outcome = await ask(sql, workspace);
    assert.ok(
      outcome.ok,
      `${sql}: expected rows, got ${outcome.ok ? "" : `${outcome.code}: ${outcome.message}`}`,
    );
    return outcome.rows;
  };
  const refused = async (code: string, sql: string) => {
    const outcome = await ask(sql);
    assert.ok(
      !outcome.ok,
      `${sql}: expected ${code}, got ${outcome.ok ? `${outcome.rows.length} rows` : ""}`,
    );
    assert.equal(outcome.code, code, `${sql}: ${outcome.message}`);
    assert.ok(outcome.message.length > 10, `${sql}: the message says what was wrong`);
  };
  const other = () => context().tables.workspaces[1] as string;
  const test = (title: string, body: () => Promise<void>) => runner.it(title, body, timeoutMs);

  runner.describe(`sandbox conformance: ${name}`, () => {
    test("shows the region's tables and nothing else", async () => {
      assert.deepEqual(await rows("SELECT table_name FROM information_schema.tables ORDER BY 1"), [
        ["jira_issue"],
        ["jira_project"],
      ]);
    });

    test("shows the workspace's live rows only, tombstones and LWW columns hidden", async () => {
      const { tables } = context();
      for (const ws of tables.workspaces.slice(0, 2))
        assert.deepEqual(await rows("SELECT workspace_id, count(*) AS n FROM jira_issue GROUP BY ALL", ws), [
          [ws, tables.liveIssues],
        ]);
      assert.deepEqual(await rows("SELECT count(*) FROM jira_issue WHERE issue_id_value = '1'"), [[0]]);
      assert.deepEqual(
        await rows(
          "SELECT count(*) FROM information_schema.columns WHERE column_name IN " +
            "('envelope_fields_is_tombstone', 'envelope_fields_version', 'envelope_fields_generation_counter')",
        ),
        [[0]],
      );
    });

    test("returns nothing of another workspace named in a WHERE clause", async () => {
      const ws = other();
      assert.deepEqual(await rows(`SELECT * FROM jira_issue WHERE workspace_id = '${ws}'`), []);
      assert.deepEqual(
        await rows(
          `SELECT key FROM jira_project WHERE envelope_fields_workspace_id_value LIKE '%${ws}' ` +
            `OR description_value LIKE '%marker-of-' || '${ws}%' OR workspace_id <> (SELECT min(workspace_id) FROM jira_issue)`,
        ),
        [],
      );
    });

    test("runs the seed's analyst query: issues resolved per month", async () => {
      assert.deepEqual(await rows(ISSUES_RESOLVED_PER_MONTH.sql), EXPECTED_ISSUES_RESOLVED_PER_MONTH);
    });

    test("refuses reading files: read_parquet, read_csv, read_text, glob, file names in FROM", async () => {
      const file = context().otherWorkspaceFile;
      await refused("FILE_ACCESS_NOT_ALLOWED", `SELECT * FROM read_parquet('${file}')`);
      await refused("FILE_ACCESS_NOT_ALLOWED", "SELECT * FROM read_csv('/etc/passwd')");
      await refused("FILE_ACCESS_NOT_ALLOWED", "SELECT * FROM read_text('/etc/hostname')");
      await refused("FILE_ACCESS_NOT_ALLOWED", "SELECT * FROM glob('/**')");
      await refused("FILE_ACCESS_NOT_ALLOWED", `SELECT * FROM '${file}'`);
      await refused(
        "FILE_ACCESS_NOT_ALLOWED",
        `SELECT count(*) FROM jira_issue, parquet_metadata('${file}')`,
      );
      await refused(
        "FILE_ACCESS_NOT_ALLOWED",
        "SELECT * FROM jira_issue WHERE key IN (SELECT * FROM read_csv_auto('/etc/passwd'))",
      );
    });

    test("refuses COPY, EXPORT, ATTACH, INSTALL, LOAD, SET, PRAGMA and writes", async () => {
      for (const sql of [
        "COPY jira_issue TO '/tmp/facsimile-leak.csv'",
        "COPY (SELECT 1) TO '/tmp/facsimile-leak.parquet' (FORMAT parquet)",
        "EXPORT DATABASE '/tmp/facsimile-leak'",
        "ATTACH '/tmp/facsimile-leak.duckdb' AS leak",
        "ATTACH ':memory:' AS scratch",
        "INSTALL httpfs",
        "LOAD httpfs",
        "SET enable_external_access = true",
        "SET threads = 64",
        "RESET lock_configuration",
        "PRAGMA enable_profiling",
        "CALL enable_logging()",
        "CREATE TABLE t AS SELECT * FROM jira_issue",
        "DELETE FROM jira_issue",
      ])
        await refused("STATEMENT_NOT_ALLOWED", sql);
    });

    test("refuses stacked statements", async () => {
      await refused("MULTIPLE_STATEMENTS", "SELECT 1; SELECT 2");
      await refused(
        "MULTIPLE_STATEMENTS",
        "SELECT * FROM jira_issue; COPY jira_issue TO '/tmp/facsimile-leak.csv'",
      );
      await refused("MULTIPLE_STATEMENTS", "SELECT 1; SET enable_external_access = true");
    });

    test("refuses functions that run SQL text, log or read the environment", async () => {
      await refused("FUNCTION_NOT_ALLOWED", "SELECT * FROM query('SELECT 1')");
      await refused("FUNCTION_NOT_ALLOWED", "SELECT * FROM query_table('jira_issue')");
      await refused("FUNCTION_NOT_ALLOWED", "SELECT * FROM enable_logging()");
      await refused("FUNCTION_NOT_ALLOWED", "SELECT * FROM duckdb_settings()");
      await refused("FUNCTION_NOT_ALLOWED", "SELECT write_log('x')");
    });

    test("stops a query that runs past the time limit", async () => {
      await refused("QUERY_TIMEOUT", "SELECT count(*) FROM range(1000000000000) AS a(x) WHERE x % 7 = 3");
    });

    test("answers a bad query with DuckDB's own explanation", async () => {
      await refused("QUERY_INVALID", "SELEC 1");
      await refused("QUERY_INVALID", "SELECT * FROM jira_issue_typo");
      await refused("EMPTY_QUERY", "  -- nothing\n");
    });
  });
}
