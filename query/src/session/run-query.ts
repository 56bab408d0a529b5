// Runs one analyst query on a locked sandbox connection: the statement check, then prepare (the bound
// statement must be a SELECT), then a streamed read of at most maxRows + 1 rows, all under one deadline that
// interrupts the connection. Never runs anything the check refused, and never returns a partial result as if
// it were complete (a cut result says `truncated`).
import { type DuckDBConnection, StatementType } from "@duckdb/node-api";
import { QueryRejectedError, QueryTimeoutError } from "../errors.js";
import { checkStatement } from "../sandbox/check-statement.js";
import { classifyDuckDbError } from "./classify-duckdb-error.js";
import { type QueryResult, toQueryResult } from "./query-result.js";

export interface QueryLimits {
  readonly timeoutMs: number;
  readonly maxRows: number;
  readonly maxResultBytes: number;
  readonly maxSqlBytes: number;
  /** For messages: the session's memory limit. */
  readonly memoryLimit: string;
}

export async function runQuery(
  connection: DuckDBConnection,
  sql: string,
  limits: QueryLimits,
): Promise<QueryResult> {
  const startedAt = performance.now();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    connection.interrupt();
  }, limits.timeoutMs);
  try {
    await checkStatement(connection, sql, limits.maxSqlBytes);
    const prepared = await connection.prepare(sql);
    try {
      if (prepared.statementType !== StatementType.SELECT)
        throw new QueryRejectedError(
          "STATEMENT_NOT_ALLOWED",
          "only a single SELECT statement is allowed in a workspace query",
        );
      const reader = await prepared.streamAndReadUntil(limits.maxRows + 1);
      // The deadline may fire between DuckDB's last chunk and here: a late result is still a timeout.
      if (timedOut) throw new QueryTimeoutError(limits.timeoutMs);
      return toQueryResult(reader, limits, startedAt);
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
