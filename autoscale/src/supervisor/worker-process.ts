// One `facsimile ingest` worker as a child process: started with `--metrics-port 0`, its metrics URL read from
// the "metrics: <url>" line it prints, stopped gracefully (SIGTERM, wait for its exit, SIGKILL only after the
// stop timeout).
import { type ChildProcess, spawn } from "node:child_process";

export interface WorkerProcess {
  readonly id: string;
  readonly pid: number | undefined;
  readonly startedAt: number;
  /** Known once the worker printed it. */
  metricsUrl(): string | undefined;
  exited(): boolean;
  /** The worker's last output (stdout and stderr), for errors. */
  output(): string;
  readonly exit: Promise<number | null>;
  /** SIGTERM, then waits; SIGKILL after timeoutMs. Resolves with the exit code. */
  stop(timeoutMs: number): Promise<number | null>;
}

export function startWorkerProcess(
  id: string,
  command: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  now: number,
): WorkerProcess {
  const [file, ...args] = command;
  const child: ChildProcess = spawn(file as string, [...args, "--metrics-port", "0"], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...env },
  });
  let out = "";
  let url: string | undefined;
  let done = false;
  const keep = (b: Buffer): void => {
    out = (out + b.toString()).slice(-20_000);
    if (url === undefined) url = /metrics: (http:\/\/\S+)/.exec(out)?.[1];
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exit = new Promise<number | null>((resolve) => {
    child.once("exit", (code) => {
      done = true;
      resolve(code);
    });
    child.once("error", (err) => {
      out += `\n${String(err)}`;
      done = true;
      resolve(null);
    });
  });
  return {
    id,
    pid: child.pid,
    startedAt: now,
    metricsUrl: () => url,
    exited: () => done,
    output: () => out,
    exit,
    async stop(timeoutMs) {
      if (!done) child.kill("SIGTERM");
      const timer = setTimeout(() => {
        if (!done) child.kill("SIGKILL");
      }, timeoutMs);
      try {
        return await exit;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
