// The parent side of a session's sandbox process: a node process with a capped JavaScript heap, an empty
// environment and a temp directory per session, that runs the session's DuckDB (sandbox-child.ts). It enforces
// the limits DuckDB alone cannot: a query still running past its deadline plus a grace period is killed
// (QUERY_TIMEOUT), and a process whose resident memory passes the cap is killed (QUERY_OUT_OF_MEMORY). Whatever
// happens inside, the caller's process keeps its memory and keeps serving. Processes are reused: a closed
// session's process resets (its DuckDB closed) and waits, idle, for the next session; a killed one is gone.
import { type ChildProcess, fork } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { QueryError, QuerySqlError, QueryTimeoutError, SessionSetupError } from "../errors.js";
import { type SandboxOptions, sizeBytes } from "../sandbox/sandbox-options.js";
import type { QueryColumn, QueryResult, QueryValue } from "./query-result.js";
import type { QueryLimits } from "./run-query.js";
import {
  type FromSandbox,
  fromWireError,
  OVER_MEMORY_EXIT_CODE,
  type TableLoad,
  type ToSandbox,
} from "./sandbox-protocol.js";

/** How often the parent reads the sandbox's resident memory while it works. */
const WATCH_INTERVAL_MS = 50;
/** Idle processes kept for the next sessions, and how long one may idle before it is ended. */
const MAX_IDLE = 4;
const IDLE_MS = 30_000;

/** The built child module: beside this file, or in dist/ when this file runs from source (tests). */
export function sandboxChildPath(): string {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith(".ts")) return join(dirname(here), "..", "..", "dist", "session", "sandbox-child.js");
  return join(dirname(here), "sandbox-child.js");
}

export interface SandboxSpec {
  readonly limits: SandboxOptions;
  readonly tables: readonly TableLoad[];
  readonly unavailable: readonly string[];
  readonly scrub: readonly string[];
}

export interface SandboxProcess {
  /** Row counts of the tables, in order. */
  readonly rowCounts: readonly number[];
  /** False once the process exited (killed, crashed or closed). */
  readonly alive: boolean;
  query(sql: string, limits: QueryLimits): Promise<QueryResult>;
  /**
   * Runs a query whose columns and rows go to `onColumns` and `onRows` as the sandbox reads them; resolves with
   * the final result (its rows empty, rowCount and truncated set) under the same limits as query().
   */
  stream(
    sql: string,
    limits: QueryLimits,
    onColumns: (columns: readonly QueryColumn[]) => void,
    onRows: (rows: readonly (readonly QueryValue[])[]) => void,
  ): Promise<QueryResult>;
  interrupt(): void;
  /** Ends the session: its DuckDB closed and its temp directory removed; the process waits for another. */
  close(): Promise<void>;
}

type Death = "memory" | "deadline";

/** One node process running sandboxes, one session at a time. */
class Worker {
  readonly exit: Promise<void>;
  exited = false;
  private stderr = "";
  private killedFor: Death | undefined;
  private pending: ((message: FromSandbox | QueryError) => void) | undefined;
  private progress: ((message: FromSandbox) => void) | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly statusFile: string;
  private readonly child: ChildProcess;

  constructor(readonly heapMb: number) {
    this.child = fork(sandboxChildPath(), [], {
      execArgv: [`--max-old-space-size=${heapMb}`],
      env: {},
      stdio: ["ignore", "ignore", "pipe", "ipc"],
      serialization: "advanced",
    });
    this.statusFile = `/proc/${this.child.pid}/status`;
    this.child.stderr?.on("data", (d: Buffer) => {
      this.stderr = (this.stderr + d.toString("utf8")).slice(-4000);
    });
    this.child.on("message", (message: FromSandbox) => {
      if (message.t === "columns" || message.t === "rows") this.progress?.(message);
      else this.settle(message);
    });
    this.exit = new Promise<void>((resolve) => {
      this.child.once("exit", (code) => {
        this.exited = true;
        // Over the cap by its own watch, or its JavaScript heap ran out (V8 aborts with this line).
        if (code === OVER_MEMORY_EXIT_CODE || this.stderr.includes("heap out of memory"))
          this.killedFor ??= "memory";
        this.settle(this.deathError());
        resolve();
      });
    });
  }

  /** What a query learns when the process died under it. */
  deathError(): QueryError {
    if (this.killedFor === "memory")
      return new QuerySqlError(
        "QUERY_OUT_OF_MEMORY",
        `the query needs more memory than the session's hard limit of ${this.limits?.processMemoryLimit} ` +
          "and was stopped: aggregate or filter earlier, or build smaller values",
        { context: { processMemoryLimit: this.limits?.processMemoryLimit } },
      );
    if (this.killedFor === "deadline") return new QueryTimeoutError(this.timeoutMs);
    return new QuerySqlError("QUERY_FAILED", "the query's sandbox stopped unexpectedly; run it again", {
      retriable: true,
    });
  }

  limits: SandboxOptions | undefined;
  timeoutMs = 0;

  get lastStderr(): string {
    return this.stderr.slice(-500);
  }

  kill(reason?: Death): void {
    if (this.exited) return;
    if (reason !== undefined) this.killedFor ??= reason;
    this.child.kill("SIGKILL");
  }

  /** Kept idle: the parent may exit while it waits. */
  park(onExpire: () => void): void {
    this.child.unref();
    (this.child.channel as { unref?: () => void } | undefined)?.unref?.();
    this.idleTimer = setTimeout(onExpire, IDLE_MS);
    this.idleTimer.unref();
  }

  unpark(): void {
    clearTimeout(this.idleTimer);
    this.child.ref();
    (this.child.channel as { ref?: () => void } | undefined)?.ref?.();
  }

  send(message: ToSandbox): void {
    if (!this.exited) this.child.send(message);
  }

  /**
   * Sends a message and waits for the answer, killing the process past `deadlineMs` or the memory cap.
   * Streamed columns and rows before the answer go to `onProgress`.
   */
  call(
    message: ToSandbox,
    deadlineMs: number,
    capBytes: number,
    onProgress?: (message: FromSandbox) => void,
  ): Promise<FromSandbox> {
    return new Promise<FromSandbox>((resolve, reject) => {
      if (this.exited) return reject(this.deathError());
      this.killedFor = undefined;
      this.progress = onProgress;
      const timer = setTimeout(() => this.kill("deadline"), deadlineMs);
      const watch = existsSync(this.statusFile)
        ? setInterval(() => {
            readFile(this.statusFile, "utf8").then(
              (text) => {
                const kb = Number(/VmRSS:\s+(\d+)/.exec(text)?.[1] ?? 0);
                if (kb * 1024 > capBytes) this.kill("memory");
              },
              () => {},
            );
          }, WATCH_INTERVAL_MS)
        : undefined;
      this.pending = (answer) => {
        this.progress = undefined;
        clearTimeout(timer);
        if (watch !== undefined) clearInterval(watch);
        if (answer instanceof QueryError) reject(answer);
        else resolve(answer);
      };
      this.child.send(message);
    });
  }

  private settle(answer: FromSandbox | QueryError): void {
    const p = this.pending;
    this.pending = undefined;
    p?.(answer);
  }
}

const idle: Worker[] = [];

function acquire(heapMb: number): Worker {
  for (let i = idle.length - 1; i >= 0; i--) {
    const w = idle[i] as Worker;
    if (w.heapMb === heapMb && !w.exited) {
      idle.splice(i, 1);
      w.unpark();
      return w;
    }
  }
  return new Worker(heapMb);
}

function release(worker: Worker): void {
  if (worker.exited) return;
  if (idle.length >= MAX_IDLE) {
    worker.kill();
    return;
  }
  idle.push(worker);
  worker.park(() => {
    const i = idle.indexOf(worker);
    if (i !== -1) idle.splice(i, 1);
    worker.kill();
  });
}

export async function startSandboxProcess(spec: SandboxSpec): Promise<SandboxProcess> {
  const cap = sizeBytes(spec.limits.processMemoryLimit);
  const dir = await mkdtemp(join(spec.limits.tempRoot ?? tmpdir(), "facsimile-sandbox-"));
  const worker = acquire(Math.max(64, Math.floor(cap / 2 / 2 ** 20)));
  worker.limits = spec.limits;
  let opened: FromSandbox;
  try {
    // Building the tables is bounded by the session's time limit too, with room for large workspaces.
    opened = await worker.call(
      {
        t: "open",
        limits: { ...spec.limits, tempRoot: dir },
        tables: spec.tables,
        unavailable: spec.unavailable,
        scrub: [...spec.scrub, dir],
      },
      Math.max(60_000, spec.limits.timeoutMs * 4),
      cap,
    );
  } catch (err) {
    worker.kill();
    await worker.exit;
    await rm(dir, { recursive: true, force: true });
    throw new SessionSetupError(
      `the sandbox process could not be started: ${(err as Error).message} ${worker.lastStderr}`,
      { cause: err },
    );
  }
  if (opened.t !== "opened") {
    worker.kill();
    await worker.exit;
    await rm(dir, { recursive: true, force: true });
    if (opened.t === "open-failed") throw fromWireError(opened.error);
    throw new SessionSetupError("the sandbox process answered out of turn");
  }
  let closed: Promise<void> | undefined;
  return {
    rowCounts: opened.rowCounts,
    get alive() {
      return !worker.exited && closed === undefined;
    },
    async query(sql, limits) {
      worker.timeoutMs = limits.timeoutMs;
      const answer = await worker.call(
        { t: "query", id: 1, sql, limits, stream: false },
        limits.timeoutMs + spec.limits.killGraceMs,
        cap,
      );
      if (answer.t === "result") return answer.result;
      if (answer.t === "error") throw fromWireError(answer.error);
      throw new QuerySqlError("QUERY_FAILED", "the query's sandbox answered out of turn");
    },
    async stream(sql, limits, onColumns, onRows) {
      worker.timeoutMs = limits.timeoutMs;
      const answer = await worker.call(
        { t: "query", id: 1, sql, limits, stream: true },
        limits.timeoutMs + spec.limits.killGraceMs,
        cap,
        (m) => {
          if (m.t === "columns") onColumns(m.columns);
          else if (m.t === "rows") onRows(m.rows);
        },
      );
      if (answer.t === "result") return answer.result;
      if (answer.t === "error") throw fromWireError(answer.error);
      throw new QuerySqlError("QUERY_FAILED", "the query's sandbox answered out of turn");
    },
    interrupt() {
      worker.send({ t: "interrupt" });
    },
    close() {
      closed ??= (async () => {
        if (!worker.exited) {
          const done = await worker.call({ t: "reset" }, 5_000, cap).catch(() => undefined);
          if (done?.t === "reset-done") release(worker);
          else worker.kill();
        }
        if (worker.exited) await worker.exit;
        await rm(dir, { recursive: true, force: true });
      })();
      return closed;
    },
  };
}
