// The second wall: the statement check over DuckDB's own parse tree. Forbidden functions are found wherever
// they hide (CTEs, subqueries, LATERAL, set operations, function arguments); allowed SQL passes untouched.
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QueryError } from "../errors.js";
import { checkStatement, firstKeyword } from "./check-statement.js";

let instance: DuckDBInstance;
let connection: DuckDBConnection;
beforeAll(async () => {
  instance = await DuckDBInstance.create(":memory:", { threads: "1" });
  connection = await instance.connect();
});
afterAll(() => {
  connection.closeSync();
  instance.closeSync();
});

const SESSION = { tables: new Set(["t", "u"]), unavailable: new Set(["broken"]) };

async function codeOf(sql: string, maxSqlBytes = 10_000, context = SESSION): Promise<string> {
  const err = await checkStatement(connection, sql, maxSqlBytes, context).then(
    () => "ALLOWED",
    (e: unknown) => {
      expect(e).toBeInstanceOf(QueryError);
      return (e as QueryError).code;
    },
  );
  return err;
}

describe("checkStatement", () => {
  it("lets single SELECTs through: joins, CTEs, window functions, DESCRIBE, SUMMARIZE, catalog views", async () => {
    for (const sql of [
      "SELECT 1",
      "SELECT 1;",
      "FROM t SELECT a",
      "WITH x AS (SELECT * FROM t) SELECT count(*) OVER () FROM x JOIN u USING (id)",
      "SELECT * FROM range(10), unnest([1, 2]) AS u(v)",
      "SELECT * FROM information_schema.columns",
      "SELECT * FROM duckdb_tables()",
      "DESCRIBE t",
      "SUMMARIZE t",
      "SHOW TABLES",
      "VALUES (1), (2)",
      "SELECT 'read_csv(''/etc/passwd'')' AS text_only",
      "/* comment */ SELECT 1 -- trailing ; comment",
    ])
      expect(await codeOf(sql), sql).toBe("ALLOWED");
  });

  it("finds a forbidden table function wherever it hides", async () => {
    for (const sql of [
      "WITH x AS (SELECT * FROM read_csv('/etc/passwd')) SELECT * FROM x",
      "SELECT (SELECT count(*) FROM read_parquet('x.parquet'))",
      "SELECT * FROM t, LATERAL (SELECT * FROM read_json(t.path))",
      "SELECT 1 UNION ALL SELECT * FROM glob('/*')",
      "SELECT * FROM t WHERE id IN (SELECT * FROM read_text('/etc/hostname'))",
      "SELECT * FROM system.main.read_blob('/etc/hostname')",
      "SELECT * FROM \"READ_CSV\"('/etc/passwd')",
    ])
      expect(await codeOf(sql), sql).toBe("FILE_ACCESS_NOT_ALLOWED");
    for (const sql of [
      "SELECT * FROM t JOIN query('SELECT 1') ON true",
      "SELECT * FROM enable_logging(storage = 'file', storage_path = '/tmp')",
      "SELECT * FROM json_execute_serialized_sql('{}')",
      "SELECT json_serialize_plan('SELECT * FROM enable_logging()')",
      "SELECT upper(write_log('x'))",
      "SELECT * FROM checkpoint()",
      "SELECT * FROM duckdb_secrets()",
    ])
      expect(await codeOf(sql), sql).toBe("FUNCTION_NOT_ALLOWED");
    expect(await codeOf("SELECT * FROM 's3://bucket/key.parquet'")).toBe("FILE_ACCESS_NOT_ALLOWED");
  });

  it("refuses every other kind of statement, and several statements", async () => {
    for (const sql of [
      "UPDATE t SET a = 1",
      "PIVOT t ON a",
      "EXPLAIN SELECT 1",
      "SET VARIABLE x = 1",
      "USE other",
    ])
      expect(await codeOf(sql), sql).toBe("STATEMENT_NOT_ALLOWED");
    expect(await codeOf("SELECT 1; SELECT 2")).toBe("MULTIPLE_STATEMENTS");
    expect(await codeOf("SELECT 1; DROP TABLE t")).toBe("MULTIPLE_STATEMENTS");
    expect(await codeOf("")).toBe("EMPTY_QUERY");
    expect(await codeOf(";;")).toBe("EMPTY_QUERY");
    expect(await codeOf("SELECT 'x'", 5)).toBe("QUERY_TOO_LONG");
    expect(await codeOf("SELEC 1")).toBe("QUERY_INVALID");
  });

  it("allows only the session's tables, the statement's CTEs and the catalog views that describe them", async () => {
    for (const sql of [
      "WITH x AS (SELECT 1) SELECT * FROM x, (WITH y AS (SELECT 2) SELECT * FROM y) AS z",
      "SELECT * FROM T JOIN main.u USING (id)",
      "SELECT * FROM information_schema.tables, duckdb_tables, pg_catalog.pg_class",
      "FROM t PIVOT (sum(b) FOR a IN (1, 2))",
    ])
      expect(await codeOf(sql), sql).toBe("ALLOWED");
    for (const sql of [
      "SELECT * FROM pg_settings",
      "SELECT * FROM system.pg_catalog.pg_settings",
      'SELECT * FROM "DUCKDB_LOGS"',
      "SELECT * FROM t WHERE a IN (SELECT name FROM pragma_database_list)",
      "WITH x AS (SELECT * FROM pg_prepared_statements) SELECT * FROM x",
    ])
      expect(await codeOf(sql), sql).toBe("TABLE_NOT_ALLOWED");
    expect(await codeOf("SELECT * FROM broken")).toBe("TABLE_UNAVAILABLE");
    expect(await codeOf("SELECT * FROM other_table")).toBe("QUERY_INVALID");
    expect(await codeOf("SELECT * FROM information_schema.pg_settings_typo")).toBe("QUERY_INVALID");
    expect(await codeOf("SELECT current_setting('threads')")).toBe("FUNCTION_NOT_ALLOWED");
  });

  it("accepts a data-driven PIVOT in a subquery, checked word by word", async () => {
    await connection.run("CREATE TABLE IF NOT EXISTS t AS SELECT 1 AS a, 2 AS b, 3 AS id");
    const ok = await checkStatement(connection, "SELECT * FROM (PIVOT t ON a USING sum(b))", 10_000, SESSION);
    expect(ok).toEqual({ kind: "expanded-pivot", statements: 2 });
    for (const [sql, code] of [
      [
        "SELECT * FROM (PIVOT (SELECT * FROM read_csv('/etc/passwd')) ON a USING sum(b))",
        "FILE_ACCESS_NOT_ALLOWED",
      ],
      ["SELECT * FROM (PIVOT (SELECT * FROM pg_settings) ON a USING sum(b))", "TABLE_NOT_ALLOWED"],
      ["SELECT current_setting('x') FROM (PIVOT t ON a USING sum(b))", "FUNCTION_NOT_ALLOWED"],
      ["SELECT * FROM (PIVOT t ON a USING sum(b)) JOIN '/etc/hosts' ON true", "FILE_ACCESS_NOT_ALLOWED"],
    ])
      expect(await codeOf(sql as string), sql).toBe(code);
    // A PIVOT statement of its own is still refused, and so is one stacked after a SELECT.
    expect(await codeOf("PIVOT t ON a USING sum(b)")).toBe("STATEMENT_NOT_ALLOWED");
  });

  it("names the refused statement in its message from the first keyword", () => {
    expect(firstKeyword("  -- hello\n /* x */ copy t TO 'x'")).toBe("COPY");
    expect(firstKeyword("(SELECT 1)")).toBe("SELECT");
    expect(firstKeyword("  ")).toBe("THIS");
  });
});
