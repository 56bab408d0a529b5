// The PostgreSQL-protocol endpoint of one region: a TCP listener (TLS on SSLRequest when a certificate is given),
// at most maxConnections clients at once, each logged in as a workspace and served from that workspace's cached
// session. close() stops accepting, lets running queries finish within a grace period, then interrupts them and
// closes every connection with an admin-shutdown error.
import { randomInt } from "node:crypto";
import type { AddressInfo } from "node:net";
import { createServer, type Socket } from "node:net";
import { createSecureContext } from "node:tls";
import { RegionVersionWatcher } from "../catalog/watch-region-versions.js";
import type { QueryEngine } from "../open-query-engine.js";
import type { WorkspaceSession } from "../session/open-workspace-session.js";
import * as B from "./backend-messages.js";
import type { PgAuthMethod } from "./password-login.js";
import type { PgCredentials } from "./pg-credentials.js";
import { type PgConnection, servePgConnection } from "./serve-pg-connection.js";
import { SQLSTATE } from "./sqlstate.js";
import { type SessionCacheOptions, WorkspaceSessionCache } from "./workspace-session-cache.js";

export interface PgServerOptions {
  readonly host: string;
  /** 0 picks a free port (see PgServer.port). */
  readonly port: number;
  readonly region: string;
  readonly credentials: PgCredentials;
  readonly auth: PgAuthMethod;
  /** PEM certificate and key: TLS is offered on SSLRequest; without them the server answers 'N'. */
  readonly tls: { readonly cert: string | Buffer; readonly key: string | Buffer } | undefined;
  readonly maxConnections: number;
  /** Largest client message accepted (a query text, a Bind with its values). */
  readonly maxMessageBytes: number;
  readonly shutdownGraceMs: number;
  readonly sessionCache: Partial<SessionCacheOptions>;
  /** Opens a workspace session (default: engine.openSession(region, workspace)); the union read plugs in here. */
  readonly openSession: ((workspace: string) => Promise<WorkspaceSession>) | undefined;
  /** One line per connection and the details of internal errors. Never SQL or passwords. */
  readonly log: (line: string) => void;
}

export const PG_SERVER_DEFAULTS: Readonly<Omit<PgServerOptions, "credentials" | "region">> = Object.freeze({
  host: "127.0.0.1",
  port: 5433,
  auth: "scram-sha-256",
  tls: undefined,
  maxConnections: 64,
  maxMessageBytes: 1024 * 1024,
  shutdownGraceMs: 10_000,
  sessionCache: Object.freeze({}),
  openSession: undefined,
  log: () => {},
});

export interface PgServer {
  readonly port: number;
  readonly host: string;
  readonly connections: number;
  close(): Promise<void>;
}

export async function startPgServer(
  engine: QueryEngine,
  options: Partial<PgServerOptions> & Pick<PgServerOptions, "credentials" | "region">,
): Promise<PgServer> {
  const o = { ...PG_SERVER_DEFAULTS, ...options };
  const watcher = new RegionVersionWatcher(engine.store, o.region);
  const sessions = new WorkspaceSessionCache(
    {
      open: o.openSession ?? ((workspace) => engine.openSession(o.region, workspace)),
      stateKey: async () => (await watcher.read()).key,
    },
    { log: o.log, ...o.sessionCache },
  );
  const tls = o.tls === undefined ? undefined : createSecureContext({ cert: o.tls.cert, key: o.tls.key });
  const connections = new Map<number, { connection: PgConnection; secretKey: number }>();
  let nextId = 1;
  let closing = false;

  const server = createServer((socket: Socket) => {
    socket.setNoDelay(true);
    if (closing || connections.size >= o.maxConnections) {
      // Before startup the client reads only an ErrorResponse; it tells psql why.
      socket.end(
        B.errorResponse({
          severity: "FATAL",
          code: closing ? SQLSTATE.ADMIN_SHUTDOWN : SQLSTATE.TOO_MANY_CONNECTIONS,
          message: closing
            ? "the server is shutting down"
            : `too many connections (limit ${o.maxConnections})`,
        }),
      );
      return;
    }
    const processId = nextId++;
    const secretKey = randomInt(1, 2 ** 31 - 1);
    const connection = servePgConnection(socket, {
      credentials: o.credentials,
      auth: o.auth,
      tls,
      acquire: (workspace) => sessions.acquire(workspace),
      maxMessageBytes: o.maxMessageBytes,
      processId,
      secretKey,
      cancel: (pid, key) => {
        const target = connections.get(pid);
        if (target !== undefined && target.secretKey === key) target.connection.interrupt();
      },
      log: o.log,
    });
    connections.set(processId, { connection, secretKey });
    void connection.done.then(() => connections.delete(processId));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port, o.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let closed: Promise<void> | undefined;
  return {
    port,
    host: o.host,
    get connections() {
      return connections.size;
    },
    close() {
      closed ??= (async () => {
        closing = true;
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        const all = () => Promise.all([...connections.values()].map((c) => c.connection.done));
        const grace = new Promise<void>((resolve) => setTimeout(resolve, o.shutdownGraceMs).unref());
        // Idle clients would wait forever: give running queries the grace period, then end everyone.
        await Promise.race([sessionsIdle(), grace]);
        sessions.interruptAll();
        for (const c of connections.values()) c.connection.terminate();
        await all();
        await sessions.close();
        await stopped;
      })();
      return closed;
    },
  };

  async function sessionsIdle(): Promise<void> {
    // Terminated connections finish at once; a connection in a query finishes when its query does.
    for (const c of connections.values()) c.connection.terminateWhenIdle();
    await Promise.all([...connections.values()].map((c) => c.connection.done));
  }
}
