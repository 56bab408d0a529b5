// Decides whether an analyst's SQL may run, before DuckDB binds it (binding a table function can already act):
// exactly one statement, a SELECT (DuckDB's own parser decides, through json_serialize_sql, which only
// serializes SELECTs), and a parse tree that passes the statement policy. Never runs the analyst's SQL; the
// text only travels as a bound parameter of the parser call.
//
// One exception, because DuckDB cannot serialize it: a PIVOT whose values come from the data, inside a
// subquery, which DuckDB expands into CREATE TYPE statements (the pivot values) before the SELECT. It is
// accepted when it reads like a SELECT with a PIVOT in it and passes the word-level policy (checkPivotWords);
// the caller then runs the expanded statements, each checked again by its bound type.
import type { DuckDBConnection } from "@duckdb/node-api";
import { QueryRejectedError, QuerySqlError, type RejectionCode } from "../errors.js";
import { sqlWords } from "./sql-words.js";
import {
  ALLOWED_TABLE_FUNCTIONS,
  DENIED_SCALAR_FUNCTIONS,
  type PolicyContext,
  type PolicyViolation,
  policyViolations,
} from "./statement-policy.js";

interface SerializedSql {
  readonly error: boolean;
  readonly error_type?: string;
  readonly error_message?: string;
  readonly statements?: readonly unknown[];
}

/** How the checked statement runs: one SELECT, or DuckDB's expansion of a data-driven PIVOT (n statements). */
export type CheckedStatement =
  | { readonly kind: "select" }
  | { readonly kind: "expanded-pivot"; readonly statements: number };

export async function checkStatement(
  connection: DuckDBConnection,
  sql: string,
  maxSqlBytes: number,
  context?: PolicyContext,
): Promise<CheckedStatement> {
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
    const keyword = firstKeyword(sql);
    const words = sqlWords(sql);
    const count = await countStatements(connection, sql);
    if (
      SELECT_START.has(keyword) &&
      words.some((w) => w.kind === "identifier" && PIVOTS.has(w.text)) &&
      count > 1 &&
      count <= MAX_PIVOT_STATEMENTS
    ) {
      const violation = (await pivotWordViolations(connection, words))[0];
      if (violation !== undefined) throw rejection(violation);
      return { kind: "expanded-pivot", statements: count };
    }
    // Not a SELECT somewhere: say whether it is one statement too many or one of the wrong kind (a PIVOT
    // statement counts as several: DuckDB expands it into a type definition and a SELECT).
    if (!PIVOTS.has(keyword.toLowerCase()) && count > 1) throw multiple();
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
  const violation = policyViolations(statements[0] as Parameters<typeof policyViolations>[0], context)[0];
  if (violation !== undefined) throw rejection(violation);
  return { kind: "select" };
}

const SELECT_START: ReadonlySet<string> = new Set(["SELECT", "WITH", "FROM"]);
const PIVOTS: ReadonlySet<string> = new Set(["pivot", "unpivot", "pivot_wider", "pivot_longer"]);
/** A PIVOT expansion is one CREATE TYPE per data-driven pivot plus the SELECT; more is not a pivot. */
const MAX_PIVOT_STATEMENTS = 9;

/** The typed error of a policy violation; an unknown table is the analyst's mistake (QUERY_INVALID). */
export function rejection(violation: PolicyViolation): QueryRejectedError | QuerySqlError {
  if (violation.code === "TABLE_NOT_FOUND")
    return new QuerySqlError("QUERY_INVALID", `Catalog Error: ${violation.message}`, {
      context: { name: violation.name },
    });
  return new QueryRejectedError(violation.code as RejectionCode, violation.message, { name: violation.name });
}

const tableFunctionsOf = new WeakMap<DuckDBConnection, Promise<ReadonlySet<string>>>();

/** Every table function the connection's DuckDB knows (lowercase), read once per connection. */
function tableFunctions(connection: DuckDBConnection): Promise<ReadonlySet<string>> {
  let names = tableFunctionsOf.get(connection);
  if (names === undefined) {
    names = connection
      .runAndReadAll(
        "SELECT DISTINCT lower(function_name) FROM duckdb_functions() WHERE function_type = 'table'",
      )
      .then((r) => new Set(r.getRows().map((row) => String(row[0]))));
    tableFunctionsOf.set(connection, names);
  }
  return names;
}

/**
 * The policy over the words of a statement that has no serializable parse tree: no denied function and no table
 * function off the allow-list called anywhere, no denied catalog view named anywhere, no string in FROM or JOIN.
 * Stricter than the tree walk (a column named like a denied view is refused too), which is fine for a fallback.
 */
async function pivotWordViolations(
  connection: DuckDBConnection,
  words: ReturnType<typeof sqlWords>,
): Promise<PolicyViolation[]> {
  const known = await tableFunctions(connection);
  const out: PolicyViolation[] = [];
  for (const word of words) {
    if (word.kind === "string") {
      if (word.after === "from" || word.after === "join")
        out.push({
          code: "FILE_ACCESS_NOT_ALLOWED",
          name: word.text,
          message: "reading files is not allowed: query the workspace's tables by name",
        });
      continue;
    }
    if (DENIED_SCALAR_FUNCTIONS.has(word.text) && word.called)
      out.push({
        code: "FUNCTION_NOT_ALLOWED",
        name: word.text,
        message: `${word.text}() is not allowed in a workspace query`,
      });
    else if (word.called && known.has(word.text) && !ALLOWED_TABLE_FUNCTIONS.has(word.text))
      out.push(...policyViolations({ type: "TABLE_FUNCTION", function: { function_name: word.text } }));
    else if (!word.called)
      out.push(
        ...policyViolations({
          type: "BASE_TABLE",
          table_name: word.text,
          schema_name: "",
          catalog_name: "",
        }).filter((v) => v.code === "TABLE_NOT_ALLOWED"),
      );
  }
  return out;
}

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
