// The sandbox process of one workspace session (started by sandbox-process.ts, never imported): it opens the
// session's DuckDB, creates the workspace's tables from the SELECTs it is sent, locks DuckDB, then runs
// analyst queries one at a time and sends back results or typed errors. On "reset" it closes that DuckDB (and
// forgets the session) and waits for the next session: every session gets a fresh DuckDB, the process is reused.
// It holds no store and no credential (its environment is empty) and exits when its parent goes away or it
// passes its own memory cap.
import { quoteIdent } from "@facsimile/lake";
import { SessionSetupError } from "../errors.js";
import { lockSandbox } from "../sandbox/lock-sandbox.js";
import { openSandboxDb, type SandboxDb } from "../sandbox/open-sandbox-db.js";
import { sizeBytes } from "../sandbox/sandbox-options.js";
import type { PolicyContext } from "../sandbox/statement-policy.js";
import type { QueryColumn, QueryValue } from "./query-result.js";
import { runQuery } from "./run-query.js";
import { type FromSandbox, OVER_MEMORY_EXIT_CODE, type ToSandbox, toWireError } from "./sandbox-protocol.js";

type FromSandboxColumns = readonly QueryColumn[];
type FromSandboxRows = readonly (readonly QueryValue[])[];

let db: SandboxDb | undefined;
let context: PolicyContext | undefined;
let scrub: readonly string[] = [];
let queue: Promise<void> = Promise.resolve();
let memoryWatch: NodeJS.Timeout | undefined;

function send(message: FromSandbox): Promise<void> {
  return new Promise((resolve) => {
    if (process.send === undefined) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

async function open(message: Extract<ToSandbox, { t: "open" }>): Promise<void> {
  scrub = message.scrub;
  const cap = sizeBytes(message.limits.processMemoryLimit);
  // The parent watches too; this is the watch that also works where /proc does not.
  memoryWatch = setInterval(() => {
    if (process.memoryUsage.rss() > cap) process.exit(OVER_MEMORY_EXIT_CODE);
  }, 100);
  memoryWatch.unref();
  try {
    db = await openSandboxDb(message.limits);
    const rowCounts: number[] = [];
    for (const table of message.tables) {
      await db.connection.run(`CREATE TABLE ${quoteIdent(table.name)} AS ${table.select}`);
      const count = await db.connection.runAndReadAll(
        `SELECT count(*)::BIGINT FROM ${quoteIdent(table.name)}`,
      );
      rowCounts.push(Number(count.getRows()[0]?.[0] ?? 0));
    }
    await lockSandbox(db.connection, message.limits.timeZone, db.spillDir);
    context = {
      tables: new Set(message.tables.map((t) => t.name.toLowerCase())),
      unavailable: new Set(message.unavailable.map((t) => t.toLowerCase())),
    };
    scrub = [...scrub, db.dir];
    await send({ t: "opened", rowCounts });
  } catch (err) {
    const setup =
      err instanceof SessionSetupError
        ? err
        : new SessionSetupError(`could not build the sandbox: ${(err as Error).message}`, { cause: err });
    await send({ t: "open-failed", error: toWireError(setup, []) });
    await db?.close();
    process.exit(1);
  }
}

async function query(message: Extract<ToSandbox, { t: "query" }>): Promise<void> {
  const session = db;
  if (session === undefined) return;
  try {
    const id = message.id;
    const sink = message.stream
      ? {
          columns: (columns: FromSandboxColumns) => send({ t: "columns", id, columns }),
          rows: (rows: FromSandboxRows) => send({ t: "rows", id, rows }),
        }
      : undefined;
    const result = await runQuery(session.connection, message.sql, message.limits, context, sink);
    await send({ t: "result", id: message.id, result });
  } catch (err) {
    await send({ t: "error", id: message.id, error: toWireError(err, scrub) });
  }
}

async function reset(): Promise<void> {
  clearInterval(memoryWatch);
  const session = db;
  db = undefined;
  context = undefined;
  scrub = [];
  await session?.close();
  await send({ t: "reset-done" });
}

process.on("message", (message: ToSandbox) => {
  if (message.t === "interrupt") db?.connection.interrupt();
  else if (message.t === "reset") queue = queue.then(reset);
  else if (message.t === "open") queue = queue.then(() => open(message));
  else if (message.t === "query") queue = queue.then(() => query(message));
});

// The parent is gone (closed the channel or died): nothing more to do.
process.on("disconnect", () => {
  void (async () => {
    try {
      db?.connection.interrupt();
      await db?.close();
    } finally {
      process.exit(0);
    }
  })();
});
