// The body of a query request: JSON {sql, format?, maxRows?, timeoutMs?}, at most maxBodyBytes, read and
// checked. The CSV format may also be asked for with `Accept: text/csv`. Reads the request only.

import type { IncomingMessage } from "node:http";
import { isIntegerInRange } from "@facsimile/core";
import { type HttpError, httpError } from "./http-error.js";

export interface QueryRequest {
  readonly sql: string;
  readonly format: "json" | "csv";
  /** Lower the session's limits for this query (never raise them). */
  readonly maxRows?: number;
  readonly timeoutMs?: number;
}

export async function readQueryRequest(
  req: IncomingMessage,
  maxBodyBytes: number,
): Promise<QueryRequest | HttpError> {
  const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json")
    return httpError(415, "UNSUPPORTED_MEDIA_TYPE", 'send the query as JSON: {"sql": "SELECT ..."}');
  const tooLarge = httpError(413, "BODY_TOO_LARGE", `the request body is larger than ${maxBodyBytes} bytes`);
  if (Number(req.headers["content-length"] ?? 0) > maxBodyBytes) return tooLarge;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBodyBytes) return tooLarge;
    chunks.push(chunk);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    return httpError(400, "INVALID_REQUEST", 'the body is not JSON: send {"sql": "SELECT ..."}');
  }
  if (body === null || typeof body !== "object" || Array.isArray(body))
    return httpError(400, "INVALID_REQUEST", 'the body must be a JSON object: {"sql": "SELECT ..."}');
  const { sql, format, maxRows, timeoutMs } = body as Record<string, unknown>;
  if (typeof sql !== "string")
    return httpError(400, "INVALID_REQUEST", 'the body needs "sql", a string holding one SELECT');
  const accept = String(req.headers.accept ?? "").toLowerCase();
  const wanted = format ?? (accept.includes("text/csv") ? "csv" : "json");
  if (wanted !== "json" && wanted !== "csv")
    return httpError(400, "INVALID_REQUEST", '"format" must be "json" or "csv"');
  for (const [name, value] of [
    ["maxRows", maxRows],
    ["timeoutMs", timeoutMs],
  ] as const)
    if (value !== undefined && !isIntegerInRange(value, { min: 1 }))
      return httpError(400, "INVALID_REQUEST", `"${name}" must be a positive integer`);
  return {
    sql,
    format: wanted,
    ...(maxRows === undefined ? {} : { maxRows: maxRows as number }),
    ...(timeoutMs === undefined ? {} : { timeoutMs: timeoutMs as number }),
  };
}
