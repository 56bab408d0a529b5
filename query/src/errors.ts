// Typed errors of analyst queries: QueryError is a FacsimileError (@facsimile/core) with a stable code, a
// `retriable` flag (the only thing retry logic reads) and context; query errors are not lake errors, so they have
// their own subclass. Messages shown to analysts must never carry lake paths, credentials or another workspace's
// names.
import { FacsimileError, type FacsimileErrorOptions } from "@facsimile/core";

export type QueryErrorOptions = FacsimileErrorOptions;

export class QueryError extends FacsimileError {}

export function isQueryError(err: unknown): err is QueryError {
  return err instanceof QueryError;
}

/** Why the sandbox refused a statement before running it. */
export type RejectionCode =
  | "EMPTY_QUERY"
  | "QUERY_TOO_LONG"
  | "MULTIPLE_STATEMENTS"
  | "STATEMENT_NOT_ALLOWED"
  | "FUNCTION_NOT_ALLOWED"
  | "FILE_ACCESS_NOT_ALLOWED"
  | "TABLE_NOT_ALLOWED"
  | "TABLE_UNAVAILABLE";

/** The statement breaks the sandbox's rules (not a SELECT, several statements, file access, ...). Nothing ran. */
export class QueryRejectedError extends QueryError {
  declare readonly code: RejectionCode;
  constructor(code: RejectionCode, message: string, context: Readonly<Record<string, unknown>> = {}) {
    super(code, message, { context });
  }
}

/** The query ran past the session's time limit and was interrupted. */
export class QueryTimeoutError extends QueryError {
  constructor(timeoutMs: number) {
    super(
      "QUERY_TIMEOUT",
      `the query ran longer than the time limit of ${timeoutMs} ms and was stopped: ` +
        "narrow it (filters, LIMIT, fewer joins) or ask for a longer limit",
      { context: { timeoutMs } },
    );
  }
}

/** The query was stopped from outside (the server shutting down, Ctrl-C at the prompt). */
export class QueryInterruptedError extends QueryError {
  constructor() {
    super("QUERY_INTERRUPTED", "the query was interrupted before it finished", { retriable: true });
  }
}

/** DuckDB refused or failed the analyst's SQL (syntax, unknown table or column, conversion, memory limit). */
export class QuerySqlError extends QueryError {
  constructor(
    code: "QUERY_INVALID" | "QUERY_FAILED" | "QUERY_OUT_OF_MEMORY" | "RESULT_TOO_LARGE",
    message: string,
    options: QueryErrorOptions = {},
  ) {
    super(code, message, options);
  }
}

/** A region, workspace or option that cannot be used (bad name, unknown region, bad limit). */
export class QueryArgumentError extends QueryError {
  constructor(
    code: "INVALID_ARGUMENT" | "REGION_NOT_FOUND" | "LAKE_NOT_FOUND",
    message: string,
    context: Readonly<Record<string, unknown>> = {},
  ) {
    super(code, message, { context });
  }
}

/**
 * Building a workspace session failed (reading the lake, materializing the workspace's rows, locking DuckDB).
 * The message is for operators; analysts see a generic one. Retriable: storage hiccups pass.
 */
export class SessionSetupError extends QueryError {
  constructor(message: string, options: QueryErrorOptions = {}) {
    super("SESSION_SETUP_FAILED", message, { retriable: true, ...options });
  }
}

/** The session was closed, or DuckDB invalidated it after an internal error; open a new one. */
export class SessionClosedError extends QueryError {
  constructor(reason: string) {
    super("SESSION_CLOSED", `the query session is no longer usable (${reason}): open a new one`, {
      retriable: true,
    });
  }
}
