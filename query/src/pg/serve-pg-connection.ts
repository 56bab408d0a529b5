// One client connection of the PostgreSQL endpoint: SSLRequest (TLS when the server has a certificate, else 'N'),
// startup, password authentication (SCRAM-SHA-256 or cleartext; user = workspace id), then simple and extended
// query (Parse/Bind/Describe/Execute/Sync/Close) over the workspace's cached session. Results in text format.
// Every error the client sees is an ErrorResponse with a SQLSTATE; nothing of the host, the lake or another
// workspace is in it.
import type { Socket } from "node:net";
import { type SecureContext, TLSSocket } from "node:tls";
import { answerCatalogQuery } from "./answer-catalog-query.js";
import * as B from "./backend-messages.js";
import { bindExpressions, bindParameters, countParameters } from "./bind-parameters.js";
import { type ClientStatement, classifyStatement } from "./classify-statement.js";
import {
  BodyReader,
  FrameReader,
  ProtocolViolation,
  readBind,
  readParse,
  readTarget,
  type TypedMessage,
} from "./frontend-messages.js";
import { PasswordLogin, type PgAuthMethod } from "./password-login.js";
import type { PgCredentials } from "./pg-credentials.js";
import { outcomeFrames, runStatement, type StatementOutcome } from "./run-statement.js";
import { pgErrorOf, SQLSTATE } from "./sqlstate.js";
import type { SessionLease } from "./workspace-session-cache.js";

export interface PgConnectionDeps {
  readonly credentials: PgCredentials;
  readonly auth: PgAuthMethod;
  readonly tls: SecureContext | undefined;
  readonly acquire: (workspace: string) => Promise<SessionLease>;
  readonly maxMessageBytes: number;
  readonly processId: number;
  readonly secretKey: number;
  /** A CancelRequest arrived: interrupt the connection with this key, if any. */
  readonly cancel: (processId: number, secretKey: number) => void;
  readonly log: (line: string) => void;
}

export interface PgConnection {
  /** Interrupts the running query (CancelRequest, server stop). */
  interrupt(): void;
  /** Sends a FATAL admin-shutdown error and closes. */
  terminate(): void;
  /** terminate() now when no query runs, else once the running query's answer is sent. */
  terminateWhenIdle(): void;
  readonly done: Promise<void>;
}

interface Prepared {
  readonly sql: string;
  readonly types: readonly number[];
  readonly statement: ClientStatement;
}

interface Portal {
  readonly statement: ClientStatement;
  outcome: StatementOutcome | undefined;
}

export function servePgConnection(raw: Socket, deps: PgConnectionDeps): PgConnection {
  let socket: Socket = raw;
  const reader = new FrameReader(deps.maxMessageBytes);
  let phase: "startup" | "auth" | "ready" | "closed" = "startup";
  let workspace = "";
  let login: PasswordLogin | undefined;
  let txStatus: "I" | "T" = "I";
  let skipToSync = false;
  let running: SessionLease | undefined;
  let stopWhenIdle = false;
  const statements = new Map<string, Prepared>();
  const portals = new Map<string, Portal>();
  let chain: Promise<void> = Promise.resolve();
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });

  const write = (...frames: Buffer[]): void => {
    if (phase !== "closed" && !socket.destroyed)
      socket.write(frames.length === 1 ? (frames[0] as Buffer) : Buffer.concat(frames));
  };
  const fatal = (code: string, message: string): void => {
    write(B.errorResponse({ severity: "FATAL", code, message }));
    close();
  };
  const close = (): void => {
    if (phase === "closed") return;
    phase = "closed";
    socket.end();
    finish();
  };

  const onData = (chunk: Buffer): void => {
    reader.push(chunk);
    chain = chain.then(pump).catch((err: unknown) => {
      if (err instanceof ProtocolViolation) fatal(SQLSTATE.PROTOCOL_VIOLATION, err.message);
      else {
        deps.log(`pg connection failed: ${(err as Error).message}`);
        fatal(SQLSTATE.INTERNAL, "the server failed; the operators have the details");
      }
    });
  };

  const pump = async (): Promise<void> => {
    while (phase !== "closed") {
      if (phase === "startup") {
        const m = reader.nextStartup();
        if (m === undefined) return;
        if (m.kind === "ssl-request") {
          if (deps.tls === undefined) {
            socket.write("N");
            continue;
          }
          socket.write("S");
          upgrade(deps.tls);
          return;
        }
        if (m.kind === "gssenc-request") {
          socket.write("N");
          continue;
        }
        if (m.kind === "cancel") {
          deps.cancel(m.processId, m.secretKey);
          close();
          return;
        }
        if (m.kind === "unsupported-version")
          return fatal(
            SQLSTATE.FEATURE_NOT_SUPPORTED,
            `unsupported frontend protocol ${m.version >> 16}.${m.version & 0xffff}`,
          );
        workspace = m.parameters.user ?? "";
        if (workspace === "")
          return fatal("28000", "no user name given: log in with the workspace id as user name");
        login = new PasswordLogin(deps.credentials, deps.auth, workspace);
        phase = "auth";
        write(login.request());
        continue;
      }
      const m = reader.next();
      if (m === undefined) return;
      if (phase === "auth") {
        const step = (login as PasswordLogin).next(m);
        if (step.kind === "refused") return fatal(step.code, step.message);
        write(...step.frames);
        if (step.kind === "accepted") await start();
        continue;
      }
      await handle(m);
    }
  };

  const start = async (): Promise<void> => {
    // Opening the workspace's session up front: a login that cannot query fails now, not at the first query.
    try {
      (await deps.acquire(workspace)).release();
    } catch (err) {
      const { fields, internal } = pgErrorOf(err);
      if (internal) deps.log(`opening the session of ${workspace} failed: ${(err as Error).message}`);
      write(B.errorResponse({ ...fields, severity: "FATAL" }));
      return close();
    }
    phase = "ready";
    write(
      B.authenticationOk(),
      B.parameterStatus("server_version", "15.0 (facsimile)"),
      B.parameterStatus("server_encoding", "UTF8"),
      B.parameterStatus("client_encoding", "UTF8"),
      B.parameterStatus("DateStyle", "ISO, MDY"),
      B.parameterStatus("IntervalStyle", "postgres"),
      B.parameterStatus("TimeZone", "UTC"),
      B.parameterStatus("integer_datetimes", "on"),
      B.parameterStatus("standard_conforming_strings", "on"),
      B.parameterStatus("is_superuser", "off"),
      B.parameterStatus("session_authorization", workspace),
      B.parameterStatus("default_transaction_read_only", "on"),
      B.backendKeyData(deps.processId, deps.secretKey),
      B.readyForQuery("I"),
    );
  };

  /** Runs a statement in the workspace's current session (PREPARE/EXECUTE/DEALLOCATE resolved here). */
  const execute = async (statement: ClientStatement): Promise<StatementOutcome> => {
    if (statement.kind === "prepare") {
      statements.set(`sql:${statement.name}`, {
        sql: statement.sql,
        types: [],
        statement: classifyStatement(statement.sql),
      });
      return { kind: "command", tag: "PREPARE" };
    }
    if (statement.kind === "deallocate") {
      if (statement.name === undefined)
        for (const k of statements.keys())
          if (k.startsWith("sql:")) statements.delete(k);
          else statements.delete(`sql:${statement.name}`);
      return { kind: "command", tag: "DEALLOCATE" };
    }
    if (statement.kind === "execute") {
      const prepared = statements.get(`sql:${statement.name}`);
      if (prepared === undefined)
        throw new ClientError(
          SQLSTATE.INVALID_SQL_STATEMENT_NAME,
          `prepared statement "${statement.name}" does not exist`,
        );
      const bound = classifyStatement(bindArgs(() => bindExpressions(prepared.sql, statement.args)));
      return execute(bound);
    }
    const lease = await deps.acquire(workspace);
    running = lease;
    try {
      return await runStatement(lease.session, statement);
    } finally {
      running = undefined;
      lease.release();
    }
  };

  const sendOutcome = (outcome: StatementOutcome, withDescription: boolean): void =>
    write(...outcomeFrames(outcome, withDescription));

  const sendError = (err: unknown): void => {
    if (err instanceof ClientError) {
      write(B.errorResponse({ severity: "ERROR", code: err.sqlState, message: err.message }));
      return;
    }
    const { fields, internal } = pgErrorOf(err);
    if (internal) deps.log(`query of ${workspace} failed: ${(err as Error).message}`);
    write(B.errorResponse(fields));
  };

  const handle = async (m: TypedMessage): Promise<void> => {
    if (m.type === "X") return close();
    if (m.type === "S") {
      skipToSync = false;
      write(B.readyForQuery(txStatus));
      if (stopWhenIdle) terminate();
      return;
    }
    if (m.type === "Q") {
      const statement = classifyStatement(new BodyReader(m.body).cstring());
      try {
        sendOutcome(await execute(statement), true);
        if (statement.kind === "transaction") txStatus = statement.status;
      } catch (err) {
        sendError(err);
      }
      write(B.readyForQuery(txStatus));
      if (stopWhenIdle) terminate();
      return;
    }
    if (skipToSync || m.type === "H") return;
    try {
      switch (m.type) {
        case "P": {
          const p = readParse(m.body);
          const count = Math.max(countParameters(p.sql), p.parameterTypes.length);
          const types = Array.from({ length: count }, (_, i) => p.parameterTypes[i] ?? 0);
          statements.set(`proto:${p.name}`, { sql: p.sql, types, statement: classifyStatement(p.sql) });
          return write(B.parseComplete());
        }
        case "B": {
          const b = readBind(m.body);
          if (b.binaryParameters || b.binaryResults)
            throw new ClientError(
              SQLSTATE.FEATURE_NOT_SUPPORTED,
              "binary format is not supported: use text format",
            );
          const prepared = statements.get(`proto:${b.statement}`);
          if (prepared === undefined)
            throw new ClientError(
              SQLSTATE.INVALID_SQL_STATEMENT_NAME,
              `prepared statement "${b.statement}" does not exist`,
            );
          const statement =
            b.values.length === 0 && prepared.types.length === 0
              ? prepared.statement
              : classifyStatement(bindArgs(() => bindParameters(prepared.sql, b.values, prepared.types)));
          portals.set(b.portal, { statement, outcome: undefined });
          return write(B.bindComplete());
        }
        case "D": {
          const target = readTarget(m.body);
          if (target.kind === "S") {
            const prepared = statements.get(`proto:${target.name}`);
            if (prepared === undefined)
              throw new ClientError(
                SQLSTATE.INVALID_SQL_STATEMENT_NAME,
                `prepared statement "${target.name}" does not exist`,
              );
            write(B.parameterDescription(prepared.types.map((t) => (t === 0 ? 25 : t))));
            return describe(await describeStatement(prepared));
          }
          const portal = portals.get(target.name);
          if (portal === undefined)
            throw new ClientError(SQLSTATE.INVALID_CURSOR_NAME, `portal "${target.name}" does not exist`);
          portal.outcome ??= await execute(portal.statement);
          return describe(portal.outcome);
        }
        case "E": {
          const name = new BodyReader(m.body).cstring();
          const portal = portals.get(name);
          if (portal === undefined)
            throw new ClientError(SQLSTATE.INVALID_CURSOR_NAME, `portal "${name}" does not exist`);
          const outcome = portal.outcome ?? (await execute(portal.statement));
          portal.outcome = undefined;
          if (portal.statement.kind === "transaction") txStatus = portal.statement.status;
          return sendOutcome(outcome, false);
        }
        case "C": {
          const target = readTarget(m.body);
          if (target.kind === "S") statements.delete(`proto:${target.name}`);
          else portals.delete(target.name);
          return write(B.closeComplete());
        }
        default:
          throw new ProtocolViolation(`unexpected message type '${m.type}'`);
      }
    } catch (err) {
      if (err instanceof ProtocolViolation) throw err;
      skipToSync = true;
      sendError(err);
    }
  };

  const describe = (outcome: StatementOutcome): void => {
    write(outcome.kind === "rows" ? B.rowDescription(outcome.fields) : B.noData());
  };

  /**
   * A statement's result shape before its parameters are known: its parameters as NULLs, wrapped so that no row
   * is computed (`SELECT * FROM (...) LIMIT 0`); what cannot be wrapped (DESCRIBE, SHOW, catalog queries) runs
   * as it is.
   */
  const describeStatement = async (prepared: Prepared): Promise<StatementOutcome> => {
    if (prepared.statement.kind !== "query") return execute(prepared.statement);
    const sql = bindArgs(() =>
      bindParameters(
        prepared.sql,
        prepared.types.map(() => null),
        prepared.types,
      ),
    );
    const lease = await deps.acquire(workspace);
    const wrappable = answerCatalogQuery(sql, lease.session.tables) === undefined;
    lease.release();
    const bare = sql.replace(/[\s;]+$/, "");
    const outcome = wrappable
      ? await execute({ kind: "query", sql: `SELECT * FROM (\n${bare}\n) AS __fx_describe LIMIT 0` }).catch(
          () => execute(classifyStatement(sql)),
        )
      : await execute(classifyStatement(sql));
    if (outcome.kind !== "rows") return outcome;
    return { ...outcome, rows: [], truncated: false };
  };

  const upgrade = (context: SecureContext): void => {
    raw.off("data", onData);
    const tls = new TLSSocket(raw, { isServer: true, secureContext: context });
    tls.on("data", onData);
    tls.on("error", () => close());
    tls.on("close", () => close());
    socket = tls;
  };

  const terminate = (): void => {
    running?.session.interrupt();
    fatal(SQLSTATE.ADMIN_SHUTDOWN, "terminating connection: the server is shutting down");
  };

  raw.on("data", onData);
  raw.on("error", () => close());
  raw.on("close", () => {
    close();
  });
  return {
    interrupt() {
      running?.session.interrupt();
    },
    terminate,
    terminateWhenIdle() {
      stopWhenIdle = true;
      if (running === undefined) terminate();
    },
    done,
  };
}

/** An error answered as is (not a query error): unknown statement or portal, binary format. */
class ClientError extends Error {
  constructor(
    readonly sqlState: string,
    message: string,
  ) {
    super(message);
  }
}

function bindArgs(bind: () => string): string {
  try {
    return bind();
  } catch (err) {
    if (err instanceof RangeError) throw new ClientError("08P01", err.message);
    throw err;
  }
}
