// The SQLSTATE of each typed query error, so SQL clients see the same refusals as `facsimile query` with the codes
// their drivers understand (42501 for what the sandbox forbids, 57014 for a cancelled query, ...). Pure.
import { isQueryError } from "../errors.js";
import type { ErrorFields } from "./backend-messages.js";

const BY_CODE: Readonly<Record<string, string>> = Object.freeze({
  EMPTY_QUERY: "42601",
  QUERY_TOO_LONG: "54000",
  MULTIPLE_STATEMENTS: "0A000",
  STATEMENT_NOT_ALLOWED: "42501",
  FUNCTION_NOT_ALLOWED: "42501",
  FILE_ACCESS_NOT_ALLOWED: "42501",
  QUERY_INVALID: "42601",
  QUERY_FAILED: "22000",
  QUERY_OUT_OF_MEMORY: "53200",
  RESULT_TOO_LARGE: "54000",
  QUERY_TIMEOUT: "57014",
  QUERY_INTERRUPTED: "57014",
  SESSION_CLOSED: "57P03",
  SESSION_SETUP_FAILED: "57P03",
  REGION_NOT_FOUND: "3D000",
  INVALID_ARGUMENT: "22023",
});

export const SQLSTATE = Object.freeze({
  INVALID_PASSWORD: "28P01",
  TOO_MANY_CONNECTIONS: "53300",
  PROTOCOL_VIOLATION: "08P01",
  FEATURE_NOT_SUPPORTED: "0A000",
  ADMIN_SHUTDOWN: "57P01",
  INVALID_SQL_STATEMENT_NAME: "26000",
  INVALID_CURSOR_NAME: "34000",
  INTERNAL: "XX000",
});

/** The SQLSTATE of a query error's code; the DuckDB message refines QUERY_INVALID into the usual classes. */
export function sqlStateOf(code: string, message = ""): string {
  if (code === "QUERY_INVALID") {
    if (/^Catalog Error: Table/i.test(message)) return "42P01";
    if (/^Binder Error: Referenced column|column .* not found/i.test(message)) return "42703";
    if (/^Catalog Error: Scalar Function/i.test(message)) return "42883";
    if (/^Parser Error/i.test(message)) return "42601";
    return "42000";
  }
  if (code === "QUERY_FAILED" && /failed internally/.test(message)) return SQLSTATE.INTERNAL;
  return BY_CODE[code] ?? SQLSTATE.INTERNAL;
}

/** The ErrorResponse of an error thrown while serving a query; `internal` when the operator should look. */
export function pgErrorOf(err: unknown): { fields: ErrorFields; internal: boolean } {
  if (isQueryError(err) && BY_CODE[err.code] !== undefined) {
    const setup = err.code === "SESSION_SETUP_FAILED";
    return {
      fields: {
        severity: "ERROR",
        code: sqlStateOf(err.code, err.message),
        // Setup failures carry lake details for operators only.
        message: setup
          ? "the workspace's tables could not be opened right now; try again shortly"
          : err.message,
        detail: `facsimile code ${err.code}`,
      },
      internal: setup,
    };
  }
  return {
    fields: {
      severity: "ERROR",
      code: SQLSTATE.INTERNAL,
      message: "the query service failed; the operators have the details",
    },
    internal: true,
  };
}
