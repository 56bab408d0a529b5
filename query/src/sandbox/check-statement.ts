// Decides whether an analyst's SQL may run, before DuckDB binds it (binding a table function can already act):
// exactly one statement, a SELECT (DuckDB's own parser decides, through json_serialize_sql, which only
// serializes SELECTs), and a parse tree that passes the statement policy. Never runs the analyst's SQL; the
// text only travels as a bound parameter of the parser call.
import type { DuckDBConnection } from "@duckdb/node-api";
import { QueryRejectedError, QuerySqlError } from "../errors.js";
import { policyViolations } from "./statement-policy.js";

interface SerializedSql {
  readonly error: boolean;
  readonly error_type?: string;
  readonly error_message?: string;
  readonly statements?: readonly unknown[];
}

export async function checkStatement(
  connection: DuckDBConnection,
  sql: string,
  maxSqlBytes: number,
): Promise<void> {
  if (sql.trim() === "" || /^[\s;]*$/.test(sql))
    throw new QueryRejectedError("EMPTY_QUERY", "the query is empty: give one SELECT statement");
  const bytes = Buffer.byteLength(sql, "utf8");
  if (bytes > maxSqlBytes)
    throw new QueryRejectedError(
      "QUERY_TOO_LONG",
      `the query is ${bytes} bytes long; the limit is ${maxSqlBytes}`,
      { bytes, maxSqlBytes },
    );
  const reader = await connection.runAndReadAll("SELECT json_serialize_sql($1::VARCHAR)", [sql]);
  const parsed = JSON.parse(String(reader.getRows()[0]?.[0])) as SerializedSql;
  if (parsed.error) {
    if (parsed.error_type === "parser")
      throw new QuerySqlError("QUERY_INVALID", `Parser Error: ${parsed.error_message ?? "invalid SQL"}`);
    // Not a SELECT somewhere: say whether it is one statement too many or one of the wrong kind (a PIVOT
    // statement counts as several: DuckDB expands it into a type definition and a SELECT).
    const keyword = firstKeyword(sql);
    if (!EXPANDING.has(keyword) && (await countStatements(connection, sql)) > 1) throw multiple();
    throw new QueryRejectedError(
      "STATEMENT_NOT_ALLOWED",
      `${keyword} statements are not allowed: a workspace query is a single SELECT over the workspace's tables`,
      { statement: keyword },
    );
  }
  const statements = parsed.statements ?? [];
  if (statements.length === 0)
    throw new QueryRejectedError("EMPTY_QUERY", "the query is empty: give one SELECT statement");
  if (statements.length > 1) throw multiple();
  const violation = policyViolations(statements[0] as Parameters<typeof policyViolations>[0])[0];
  if (violation !== undefined)
    throw new QueryRejectedError(violation.code, violation.message, { name: violation.name });
}

const EXPANDING: ReadonlySet<string> = new Set(["PIVOT", "UNPIVOT"]);

function multiple(): QueryRejectedError {
  return new QueryRejectedError(
    "MULTIPLE_STATEMENTS",
    "several statements were given: send exactly one SELECT (no ';' between statements)",
  );
}

async function countStatements(connection: DuckDBConnection, sql: string): Promise<number> {
  try {
    return (await connection.extractStatements(sql)).count;
  } catch {
    return 1;
  }
}

/** The statement's first word, for messages only (the decision is the parser's): "COPY", "SET", "ATTACH". */
export function firstKeyword(sql: string): string {
  const text = sql.replace(/^(\s|--[^\n]*(\n|$)|\/\*[\s\S]*?\*\/|\()+/, "");
  return (/^[A-Za-z]+/.exec(text)?.[0] ?? "this").toUpperCase();
}
