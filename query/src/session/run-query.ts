// Runs one analyst query on a locked sandbox connection: the statement check, then prepare (the bound
// statement must be a SELECT), then a streamed read of at most maxRows + 1 rows, the byte limit enforced value
// by value, all under one deadline that interrupts the connection. Never runs anything the check refused, and
// never returns a partial result as if it were complete (a cut result says `truncated`). The deadline here is
// the polite one: the sandbox process is killed when DuckDB does not stop (see sandbox-process.ts).
import { type DuckDBConnection, type DuckDBPreparedStatement, StatementType } from "@duckdb/node-api";
import { QueryRejectedError, QueryTimeoutError } from "../errors.js";
import { checkStatement } from "../sandbox/check-statement.js";
import type { PolicyContext } from "../sandbox/statement-policy.js";
import { classifyDuckDbError } from "./classify-duckdb-error.js";
import { type QueryResult, type ResultSink, readQueryResult } from "./query-result.js";

export interface QueryLimits {
  readonly timeoutMs: number;
  readonly maxRows: number;
  readonly maxResultBytes: number;
  readonly maxSqlBytes: number;
  /** For messages: the session's memory limit. */
  readonly memoryLimit: string;
}

const notSelect = () =>
  new QueryRejectedError(
    "STATEMENT_NOT_ALLOWED",
    "only a single SELECT statement is allowed in a workspace query",
  );

export async function runQuery(
  connection: DuckDBConnection,
  sql: string,
  limits: QueryLimits,
  context?: PolicyContext,
  sink?: ResultSink,
): Promise<QueryResult> {
  const startedAt = performance.now();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    connection.interrupt();
  }, limits.timeoutMs);
  const check = () => {
    if (timedOut) throw new QueryTimeoutError(limits.timeoutMs);
  };
  try {
    const checked = await checkStatement(connection, sql, limits.maxSqlBytes, context);
    let prepared: DuckDBPreparedStatement;
    if (checked.kind === "select") prepared = await connection.prepare(sql);
    else {
      // DuckDB's expansion of a data-driven PIVOT: CREATE TYPE statements (the pivot values), then the SELECT.
      const extracted = await connection.extractStatements(sql);
      const last = extracted.count - 1;
      for (let i = 0; i < last; i++) {
        const step = await extracted.prepare(i);
        try {
          if (step.statementType !== StatementType.CREATE) throw notSelect();
          await step.run();
        } finally {
          step.destroySync();
        }
      }
      prepared = await extracted.prepare(last);
    }
    try {
      if (prepared.statementType !== StatementType.SELECT) throw notSelect();
      const result = await prepared.stream();
      return await readQueryResult(result, limits, startedAt, check, sink);
    } finally {
      prepared.destroySync();
    }
  } catch (err) {
    throw classifyDuckDbError(err, {
      timedOut,
      timeoutMs: limits.timeoutMs,
      memoryLimit: limits.memoryLimit,
    });
  } finally {
    clearTimeout(timer);
  }
}
