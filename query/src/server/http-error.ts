// Errors of the query endpoint as HTTP: a status per error code and the JSON body {error: {code, message}}.
// Only the analyst's own mistakes are described; anything else becomes a generic 500 whose detail goes to the
// operator's log, never to the client (no stack traces, no paths, no other workspace's names).
import { isQueryError } from "../errors.js";

export interface HttpError {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly headers?: Readonly<Record<string, string>>;
}

const STATUS: Readonly<Record<string, number>> = Object.freeze({
  INVALID_ARGUMENT: 400,
  EMPTY_QUERY: 400,
  QUERY_TOO_LONG: 400,
  MULTIPLE_STATEMENTS: 400,
  STATEMENT_NOT_ALLOWED: 400,
  FUNCTION_NOT_ALLOWED: 400,
  FILE_ACCESS_NOT_ALLOWED: 400,
  TABLE_NOT_ALLOWED: 400,
  QUERY_INVALID: 400,
  QUERY_FAILED: 400,
  QUERY_OUT_OF_MEMORY: 400,
  RESULT_TOO_LARGE: 400,
  REGION_NOT_FOUND: 404,
  QUERY_TIMEOUT: 408,
  QUERY_INTERRUPTED: 503,
  SESSION_CLOSED: 503,
  TABLE_UNAVAILABLE: 503,
});

export function httpError(
  status: number,
  code: string,
  message: string,
  headers?: Readonly<Record<string, string>>,
): HttpError {
  return headers === undefined ? { status, code, message } : { status, code, message, headers };
}

/** The HTTP form of an error thrown while serving a query; `internal` is true when the operator should look. */
export function toHttpError(err: unknown): { error: HttpError; internal: boolean } {
  if (isQueryError(err)) {
    const status = STATUS[err.code];
    if (status !== undefined) return { error: httpError(status, err.code, err.message), internal: false };
    if (err.code === "SESSION_SETUP_FAILED" && err.retriable)
      return {
        error: httpError(
          503,
          err.code,
          "the workspace's tables could not be opened right now; try again shortly",
          { "retry-after": "1" },
        ),
        internal: true,
      };
  }
  return {
    error: httpError(500, "INTERNAL", "the query service failed; the operators have the details"),
    internal: true,
  };
}

export function errorBody(error: HttpError): string {
  return JSON.stringify({ error: { code: error.code, message: error.message } });
}
