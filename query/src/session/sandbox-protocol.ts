// The messages between a workspace session and its sandbox process (sandbox-child.ts), and typed errors as they
// cross the process boundary. Plain values only: the child gets the tables to load as SQL over local files,
// never a store, a credential or an environment.

import type { ViewColumn } from "../catalog/plan-workspace-view.js";
import {
  QueryArgumentError,
  QueryError,
  QueryInterruptedError,
  QueryRejectedError,
  QuerySqlError,
  QueryTimeoutError,
  type RejectionCode,
  SessionClosedError,
  SessionSetupError,
} from "../errors.js";
import type { SandboxOptions } from "../sandbox/sandbox-options.js";
import type { QueryColumn, QueryResult, QueryValue } from "./query-result.js";
import type { QueryLimits } from "./run-query.js";

/** One table of the session: created in the sandbox as `CREATE TABLE name AS <select>` before the lock. */
export interface TableLoad {
  readonly name: string;
  readonly version: number;
  readonly columns: readonly ViewColumn[];
  /** A SELECT over local files giving exactly the workspace's live rows and shown columns. */
  readonly select: string;
}

export type ToSandbox =
  | {
      readonly t: "open";
      readonly limits: SandboxOptions;
      readonly tables: readonly TableLoad[];
      /** Tables of the region that could not be loaded (named in refusals). */
      readonly unavailable: readonly string[];
      /** Host paths that must never appear in a message (replaced by "<path>"). */
      readonly scrub: readonly string[];
    }
  | {
      readonly t: "query";
      readonly id: number;
      readonly sql: string;
      readonly limits: QueryLimits;
      /** Send the columns and then the rows chunk by chunk ("columns", "rows"), before the final "result". */
      readonly stream: boolean;
    }
  | { readonly t: "interrupt" }
  /** Close the session's DuckDB and wait for the next "open" (the process is reused for another session). */
  | { readonly t: "reset" };

export interface WireError {
  readonly code: string;
  readonly message: string;
  readonly retriable: boolean;
  readonly context: Readonly<Record<string, unknown>>;
}

export type FromSandbox =
  | { readonly t: "opened"; readonly rowCounts: readonly number[] }
  | { readonly t: "reset-done" }
  | { readonly t: "open-failed"; readonly error: WireError }
  | { readonly t: "columns"; readonly id: number; readonly columns: readonly QueryColumn[] }
  | { readonly t: "rows"; readonly id: number; readonly rows: readonly (readonly QueryValue[])[] }
  | { readonly t: "result"; readonly id: number; readonly result: QueryResult }
  | { readonly t: "error"; readonly id: number; readonly error: WireError };

/** Exit code of a sandbox process that found itself over its memory cap. */
export const OVER_MEMORY_EXIT_CODE = 86;

export function toWireError(err: unknown, scrub: readonly string[]): WireError {
  const clean = (text: string) => scrubPaths(text, scrub);
  if (err instanceof QueryError)
    return {
      code: err.code,
      message: clean(err.message),
      retriable: err.retriable,
      context: JSON.parse(clean(JSON.stringify(err.context ?? {}))) as Record<string, unknown>,
    };
  return {
    code: "QUERY_FAILED",
    message: clean(err instanceof Error ? err.message : String(err)),
    retriable: false,
    context: {},
  };
}

const REJECTIONS: ReadonlySet<string> = new Set<RejectionCode>([
  "EMPTY_QUERY",
  "QUERY_TOO_LONG",
  "MULTIPLE_STATEMENTS",
  "STATEMENT_NOT_ALLOWED",
  "FUNCTION_NOT_ALLOWED",
  "FILE_ACCESS_NOT_ALLOWED",
  "TABLE_NOT_ALLOWED",
  "TABLE_UNAVAILABLE",
]);

/** The typed error a wire error stands for (same class and code as in the sandbox). */
export function fromWireError(wire: WireError): QueryError {
  const { code, message, context } = wire;
  if (REJECTIONS.has(code)) return new QueryRejectedError(code as RejectionCode, message, context);
  switch (code) {
    case "QUERY_TIMEOUT":
      return new QueryTimeoutError(Number(context.timeoutMs ?? 0));
    case "QUERY_INTERRUPTED":
      return new QueryInterruptedError();
    case "QUERY_INVALID":
    case "QUERY_FAILED":
    case "QUERY_OUT_OF_MEMORY":
    case "RESULT_TOO_LARGE":
      return new QuerySqlError(code, message, { context });
    case "INVALID_ARGUMENT":
      return new QueryArgumentError(code, message, context);
    case "SESSION_CLOSED":
      return new SessionClosedError(message);
    case "SESSION_SETUP_FAILED":
      return new SessionSetupError(message, { retriable: wire.retriable, context });
    default:
      return new QueryError(code, message, { retriable: wire.retriable, context });
  }
}

/** `text` with every given host path (and anything under it) replaced by "<path>". */
export function scrubPaths(text: string, paths: readonly string[]): string {
  let out = text;
  for (const p of [...paths].filter((x) => x.length > 1).sort((a, b) => b.length - a.length)) {
    const escaped = p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    out = out.replace(new RegExp(`${escaped}[^\\s'"\`,;)]*`, "g"), "<path>");
  }
  return out;
}
