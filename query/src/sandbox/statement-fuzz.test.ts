// Fuzzing the statement policy with random SELECTs from a small grammar (tables, catalog views, table and scalar
// functions, subqueries, CTEs, set operations, joins, PIVOT), some with a forbidden piece hidden somewhere:
// every statement with a forbidden piece is refused wherever it hides, nothing crashes or hangs (every answer is
// a typed QueryError or rows), and what is accepted, run in a real workspace session, never shows another
// workspace's rows or a host path. Bounded in CI; FACSIMILE_FUZZ_RUNS=5000 for a longer run.
import { homedir, tmpdir } from "node:os";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isQueryError } from "../errors.js";
import { openQueryEngine, type QueryEngine } from "../open-query-engine.js";
import type { WorkspaceSession } from "../session/open-workspace-session.js";
import { type ExampleLake, openExampleLake } from "../testing/example-lake.js";
import { checkStatement } from "./check-statement.js";

const RUNS = Number(process.env.FACSIMILE_FUZZ_RUNS ?? 120);
const SEED =
  process.env.FACSIMILE_FUZZ_SEED === undefined ? undefined : Number(process.env.FACSIMILE_FUZZ_SEED);

interface Sql {
  readonly sql: string;
  /** A forbidden piece is in it somewhere. */
  readonly denied: boolean;
}

const ok = (sql: string): Sql => ({ sql, denied: false });
const bad = (sql: string): Sql => ({ sql, denied: true });

/** Mostly allowed pieces, so that most statements hold none or one forbidden piece. */
const mostly = (allowed: fc.Arbitrary<Sql>, forbidden: fc.Arbitrary<Sql>) =>
  fc.oneof({ arbitrary: allowed, weight: 6 }, { arbitrary: forbidden, weight: 1 });

const tables = mostly(
  fc.constantFrom<Sql>(
    ok("jira_issue"),
    ok("jira_project"),
    ok("information_schema.tables"),
    ok("information_schema.columns"),
    ok("duckdb_tables()"),
    ok("range(3)"),
    ok("pg_catalog.pg_class"),
  ),
  fc.constantFrom<Sql>(
    bad("pg_settings"),
    bad("pg_catalog.pg_settings"),
    bad("duckdb_logs"),
    bad("duckdb_settings()"),
    bad("read_csv('/etc/passwd')"),
    bad("read_parquet('x.parquet')"),
    bad("'/etc/hostname'"),
    bad("glob('/*')"),
    bad("query('SELECT 1')"),
    bad("enable_logging()"),
  ),
);

const scalars = mostly(
  fc.constantFrom<Sql>(
    ok("1"),
    ok("'text'"),
    ok("count(*)"),
    ok("upper('a')"),
    ok("[1, 2]"),
    ok("now()::DATE"),
    ok("key"),
    ok("workspace_id"),
  ),
  fc.constantFrom<Sql>(
    bad("current_setting('temp_directory')"),
    bad("getenv('HOME')"),
    bad("write_log('x')"),
    bad("json_serialize_plan('SELECT 1')"),
    bad("getvariable('x')"),
  ),
);

const join = (parts: readonly Sql[], text: (s: readonly string[]) => string): Sql => ({
  sql: text(parts.map((p) => p.sql)),
  denied: parts.some((p) => p.denied),
});

const { select } = fc.letrec<{ select: Sql; from: Sql }>((tie) => ({
  from: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    tables,
    tie("select").map((s) => join([s], ([x]) => `(${x}) AS sub`)),
    fc.tuple(tables, tables).map((p) => join(p, ([a, b]) => `${a} AS l JOIN ${b} AS r ON true`)),
    tables.map((t) =>
      join([t], ([x]) => `(PIVOT (SELECT 1 AS one, 'v' AS k FROM ${x}) ON k USING count(*))`),
    ),
  ),
  select: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.tuple(scalars, tie("from")).map((p) => join(p, ([e, f]) => `SELECT ${e} AS v FROM ${f}`)),
    fc
      .tuple(scalars, tie("from"), tie("select"))
      .map((p) =>
        join(p, ([e, f, s]) => `SELECT ${e} AS v FROM ${f} WHERE 1 IN (SELECT 1 FROM (${s}) AS w)`),
      ),
    fc.tuple(tie("select"), tie("select")).map((p) => join(p, ([a, b]) => `(${a}) UNION ALL (${b})`)),
    fc
      .tuple(tie("select"), scalars)
      .map((p) => join(p, ([s, e]) => `WITH c AS (${s}) SELECT ${e} AS v FROM c`)),
  ),
}));

let lake: ExampleLake;
let engine: QueryEngine;
let session: WorkspaceSession;
let instance: DuckDBInstance;
let connection: DuckDBConnection;

beforeAll(async () => {
  lake = await openExampleLake();
  engine = await openQueryEngine(lake.store, {
    session: { timeoutMs: 2_000, threads: 1, tempRoot: lake.dir },
  });
  session = await engine.openSession(lake.region, "ws-alpha");
  instance = await DuckDBInstance.create(":memory:", { threads: "1" });
  connection = await instance.connect();
});
afterAll(async () => {
  connection?.closeSync();
  instance?.closeSync();
  await session?.close();
  await engine?.close();
  await lake?.close();
});

describe("the statement policy under random SQL", () => {
  it("refuses every statement with a forbidden piece; what it accepts never leaks", async () => {
    const context = { tables: new Set(["jira_issue", "jira_project"]), unavailable: new Set<string>() };
    const others = lake.tables.workspaces.filter((w) => w !== "ws-alpha").map((w) => lake.tables.marker(w));
    const secrets = [lake.dir, `${tmpdir()}/`, `${homedir()}/`];
    await fc.assert(
      fc.asyncProperty(select, async (generated) => {
        const checked = await checkStatement(connection, generated.sql, 100_000, context).then(
          () => "accepted",
          (err: unknown) => {
            expect(isQueryError(err), `${generated.sql}: ${String(err)}`).toBe(true);
            return "refused";
          },
        );
        if (generated.denied) expect(checked, generated.sql).toBe("refused");
        if (process.env.FACSIMILE_FUZZ_TRACE) console.log(checked, generated.sql);
        if (checked === "refused") return;
        const answer = await session.query(generated.sql, { maxRows: 50 }).then(
          (r) => JSON.stringify(r),
          (err: unknown) => {
            expect(isQueryError(err), `${generated.sql}: ${String(err)}`).toBe(true);
            return (err as Error).message;
          },
        );
        for (const text of [...others, ...secrets]) expect(answer, generated.sql).not.toContain(text);
      }),
      { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) },
    );
  });
});
