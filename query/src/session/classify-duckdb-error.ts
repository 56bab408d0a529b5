// Turns an error DuckDB raised while checking, planning or running an analyst's query into a QueryError with a
// stable code. DuckDB's text is passed on only for errors about the analyst's own SQL (syntax, names, types);
// for file access, memory and internal failures the message is ours, so nothing about the host leaks.
import {
  QueryError,
  QueryInterruptedError,
  QueryRejectedError,
  QuerySqlError,
  QueryTimeoutError,
} from "../errors.js";

export interface ErrorSituation {
  /** Our deadline fired (the interrupt was ours). */
  readonly timedOut: boolean;
  readonly timeoutMs: number;
  readonly memoryLimit: string;
}

/** Longest DuckDB message passed on; parse errors quote the SQL, which may be long. */
const MAX_MESSAGE = 2000;

/** The DuckDB error class at the start of its message: "Binder Error: ..." -> "binder". */
export function duckDbErrorType(message: string): string {
  return (/^([A-Za-z ]+?) Error:/.exec(message)?.[1] ?? "").toLowerCase();
}

/** True when DuckDB's message says the database was invalidated and the session can no longer be used. */
export function isFatalDuckDbError(err: unknown): boolean {
  const type = duckDbErrorType(err instanceof Error ? err.message : "");
  return type === "fatal" || type === "internal" || type === "invalid";
}

export function classifyDuckDbError(err: unknown, situation: ErrorSituation): QueryError {
  if (err instanceof QueryError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const type = duckDbErrorType(message);
  if (situation.timedOut) return new QueryTimeoutError(situation.timeoutMs);
  switch (type) {
    case "interrupt":
      return new QueryInterruptedError();
    case "permission":
    case "io":
    case "http":
      return new QueryRejectedError(
        "FILE_ACCESS_NOT_ALLOWED",
        "the query tried to reach files, the network or settings outside the workspace's tables, which is not allowed",
      );
    case "out of memory":
      return new QuerySqlError(
        "QUERY_OUT_OF_MEMORY",
        `the query needs more memory than the session's limit of ${situation.memoryLimit}: ` +
          "aggregate or filter earlier, or select fewer columns",
        { context: { memoryLimit: situation.memoryLimit } },
      );
    case "fatal":
    case "internal":
    case "invalid":
      return new QuerySqlError("QUERY_FAILED", "DuckDB failed internally while running the query", {
        cause: err,
      });
    case "parser":
    case "syntax":
    case "binder":
    case "catalog":
    case "not implemented":
    case "parameter not allowed":
    case "parameter not resolved":
      return new QuerySqlError("QUERY_INVALID", clip(message));
    default:
      return new QuerySqlError("QUERY_FAILED", clip(message));
  }
}

function clip(message: string): string {
  return message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}...` : message;
}
