// The query endpoint: POST /v1/regions/:region/workspaces/:workspace/query on node:http. Each request is
// authorized by a bearer token of that workspace, then runs in a session of its own (opened, queried, closed),
// at most maxConcurrent at a time. close() stops taking requests, lets running ones finish within a grace
// period, then interrupts them. Must never answer with another workspace's data, a stack trace or a path.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { QueryInterruptedError } from "../errors.js";
import { formatCsv } from "../format/format-result.js";
import type { QueryEngine } from "../open-query-engine.js";
import type { WorkspaceSession } from "../session/open-workspace-session.js";
import { ConcurrencyLimit } from "./concurrency-limit.js";
import { errorBody, type HttpError, httpError, toHttpError } from "./http-error.js";
import { readQueryRequest } from "./read-query-request.js";
import { authorizeToken, type WorkspaceTokens } from "./workspace-tokens.js";

export interface QueryServerOptions {
  readonly host: string;
  /** 0 picks a free port (see QueryServer.port). */
  readonly port: number;
  readonly tokens: WorkspaceTokens;
  /** Sessions running at once (each a DuckDB with its own memory limit and threads). */
  readonly maxConcurrent: number;
  /** Requests waiting for a session slot; more are answered 503 at once. */
  readonly maxQueued: number;
  readonly maxBodyBytes: number;
  /** How long close() lets running queries finish before interrupting them, in ms. */
  readonly shutdownGraceMs: number;
  /** A client must send its request headers within this time (slow-header clients do not hold sockets). */
  readonly headersTimeoutMs: number;
  /** ... and its whole request (headers and body) within this time. */
  readonly requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this time. */
  readonly keepAliveTimeoutMs: number;
  /** One line per request (method, path, status, code, ms) and the details of internal errors. Never SQL. */
  readonly log: (line: string) => void;
}

export const QUERY_SERVER_DEFAULTS: Readonly<Omit<QueryServerOptions, "tokens">> = Object.freeze({
  host: "127.0.0.1",
  port: 8787,
  maxConcurrent: 2,
  maxQueued: 16,
  maxBodyBytes: 256 * 1024,
  shutdownGraceMs: 10_000,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  log: () => {},
});

export interface QueryServer {
  /** http://host:port */
  readonly url: string;
  readonly port: number;
  /** Queries running now (their sessions are open). */
  readonly activeQueries: number;
  close(): Promise<void>;
}

const ROUTE = /^\/v1\/regions\/([^/]+)\/workspaces\/([^/]+)\/query\/?$/;

export async function startQueryServer(
  engine: QueryEngine,
  options: Partial<QueryServerOptions> & Pick<QueryServerOptions, "tokens">,
): Promise<QueryServer> {
  const o = { ...QUERY_SERVER_DEFAULTS, ...options };
  const limit = new ConcurrencyLimit(o.maxConcurrent, o.maxQueued);
  const sessions = new Set<WorkspaceSession>();
  const inFlight = new Set<Promise<void>>();
  let closing = false;
  // Past the grace period: queries not yet started are not started.
  let stopping = false;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = performance.now();
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    let outcome: { status: number; code?: string };
    try {
      outcome = await route(req, res, path);
    } catch (err) {
      const { error, internal } = toHttpError(err);
      if (internal) o.log(`internal error on ${req.method} ${path}: ${describe(err)}`);
      outcome = send(res, error);
    }
    const ms = Math.round(performance.now() - started);
    o.log(`${req.method} ${path} ${outcome.status}${outcome.code ? ` ${outcome.code}` : ""} ${ms}ms`);
  };

  const route = async (
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
  ): Promise<{ status: number; code?: string }> => {
    if (path === "/healthz" && req.method === "GET") return sendJson(res, 200, { status: "ok" });
    const match = ROUTE.exec(path);
    if (match === null) return send(res, httpError(404, "NOT_FOUND", "no such endpoint"));
    if (req.method !== "POST")
      return send(res, httpError(405, "METHOD_NOT_ALLOWED", "use POST", { allow: "POST" }));
    if (closing)
      return send(
        res,
        httpError(503, "SHUTTING_DOWN", "the server is shutting down", { "retry-after": "1" }),
      );
    let region: string;
    let workspace: string;
    try {
      region = decodeURIComponent(match[1] ?? "");
      workspace = decodeURIComponent(match[2] ?? "");
    } catch {
      return send(res, httpError(400, "INVALID_REQUEST", "the path is not valid URL encoding"));
    }
    const auth = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "")?.[1];
    const decision = authorizeToken(o.tokens, auth, workspace);
    if (decision === "unauthenticated")
      return send(
        res,
        httpError(401, "UNAUTHENTICATED", "send a valid token: Authorization: Bearer <token>", {
          "www-authenticate": 'Bearer realm="facsimile-query"',
        }),
      );
    if (decision === "forbidden")
      return send(res, httpError(403, "FORBIDDEN", "this token does not open the requested workspace"));
    const request = await readQueryRequest(req, o.maxBodyBytes);
    if ("status" in request) return send(res, request);
    const ran = await limit.run(async () => {
      const session = await engine.openSession(region, workspace);
      sessions.add(session);
      for (const t of session.skipped)
        if (t.unreadable === true) o.log(`table ${t.name} of ${region} is unreadable: ${t.reason}`);
      // A client that goes away stops its query.
      const abandon = () => {
        if (!res.writableFinished) session.interrupt();
      };
      res.once("close", abandon);
      try {
        if (stopping) throw new QueryInterruptedError();
        return await session.query(request.sql, {
          ...(request.maxRows === undefined ? {} : { maxRows: request.maxRows }),
          ...(request.timeoutMs === undefined ? {} : { timeoutMs: request.timeoutMs }),
        });
      } finally {
        res.off("close", abandon);
        sessions.delete(session);
        await session.close();
      }
    });
    if (ran === undefined)
      return send(
        res,
        httpError(503, "BUSY", "too many queries at once; retry shortly", { "retry-after": "1" }),
      );
    const result = ran.value;
    if (request.format === "csv") {
      res.writeHead(200, {
        ...SAFE_HEADERS,
        "content-type": "text/csv; charset=utf-8",
        "x-facsimile-row-count": String(result.rowCount),
        "x-facsimile-truncated": String(result.truncated),
      });
      res.end(formatCsv(result));
      return { status: 200 };
    }
    return sendJson(res, 200, result);
  };

  const server = createServer(
    {
      headersTimeout: o.headersTimeoutMs,
      requestTimeout: o.requestTimeoutMs,
      keepAliveTimeout: o.keepAliveTimeoutMs,
      // Node checks the two request timeouts on this interval; keep it below the shortest of them.
      connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(o.headersTimeoutMs / 4))),
    },
    (req, res) => {
      const p = handle(req, res).finally(() => inFlight.delete(p));
      inFlight.add(p);
    },
  );
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port, o.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = o.host.includes(":") ? `[${o.host}]` : o.host;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    get activeQueries() {
      return sessions.size;
    },
    close() {
      closed ??= (async () => {
        closing = true;
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const grace = new Promise<void>((resolve) => setTimeout(resolve, o.shutdownGraceMs).unref());
        await Promise.race([Promise.all([...inFlight]), grace]);
        stopping = true;
        for (const session of sessions) session.interrupt();
        await Promise.all([...inFlight]);
        server.closeAllConnections();
        await stopped;
      })();
      return closed;
    },
  };
}

const SAFE_HEADERS = Object.freeze({ "cache-control": "no-store", "x-content-type-options": "nosniff" });

function sendJson(res: ServerResponse, status: number, body: unknown): { status: number } {
  res.writeHead(status, { ...SAFE_HEADERS, "content-type": "application/json; charset=utf-8" });
  res.end(JSON.stringify(body));
  return { status };
}

function send(res: ServerResponse, error: HttpError): { status: number; code: string } {
  if (!res.headersSent) {
    res.writeHead(error.status, {
      ...SAFE_HEADERS,
      ...error.headers,
      "content-type": "application/json; charset=utf-8",
    });
    res.end(errorBody(error));
  }
  return { status: error.status, code: error.code };
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: unknown }).code;
  return `${err.name}${typeof code === "string" ? ` ${code}` : ""}: ${err.message}`;
}
