// The heavier independent engines for interoperability tests: Spark 3.5 with delta-spark 3.3 (one long-lived
// session per test file, SQL over stdin), PyIceberg, and DuckDB's iceberg extension; installed offline by
// lake/scripts/setup-interop-engines.sh (cached; a no-op once done). Test tooling only.
import { type ChildProcessWithoutNullStreams, execFile, execFileSync, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const SCRIPTS = fileURLToPath(new URL("../../lake/scripts/", import.meta.url));

export interface Engines {
  /** The venv's python: pyspark, delta-spark, pyiceberg, deltalake, duckdb. */
  readonly python: string;
  /** Ivy cache holding delta-spark's jars. */
  readonly ivy: string;
  /** DuckDB extension_directory, now also holding iceberg and avro. */
  readonly extensionDir: string;
}

let cached: Engines | undefined;

/** Runs setup-interop-engines.sh (minutes cold, ~0.2 s warm) and returns where the tools are. */
export function ensureEngines(): Engines {
  if (cached !== undefined) return cached;
  const out = execFileSync("bash", [`${SCRIPTS}setup-interop-engines.sh`], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    timeout: 20 * 60_000,
  });
  const vars = new Map(
    out.split("\n").flatMap((line) => {
      const m = /^([A-Z_]+)=(.*)$/.exec(line);
      return m?.[1] === undefined || m[2] === undefined ? [] : [[m[1], m[2]] as const];
    }),
  );
  const python = vars.get("FACSIMILE_ENGINES_PYTHON");
  const ivy = vars.get("FACSIMILE_SPARK_IVY");
  const extensionDir = vars.get("FACSIMILE_DUCKDB_EXTENSION_DIR");
  if (python === undefined || ivy === undefined || extensionDir === undefined)
    throw new Error(`setup-interop-engines.sh printed no paths:\n${out}`);
  cached = { python, ivy, extensionDir };
  return cached;
}

export type SparkRow = readonly unknown[];

/** A Spark session answering SQL; see spark-sql.py for value encoding. */
export interface Spark {
  /** Runs one statement; rows as arrays in column order. Rejects with Spark's message on failure. */
  sql(statement: string, conf?: Readonly<Record<string, string>>): Promise<SparkRow[]>;
  /** Runs a query and returns its rows as objects. */
  rows(statement: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

interface Reply {
  readonly ok: boolean;
  readonly columns?: readonly string[];
  readonly rows?: SparkRow[];
  readonly error?: string;
}

/** Starts one Spark session (10-30 s); statements run one at a time, in order. */
export function startSpark(): Spark {
  const engines = ensureEngines();
  const child: ChildProcessWithoutNullStreams = spawn(engines.python, [`${SCRIPTS}spark-sql.py`], {
    env: { ...process.env, FACSIMILE_SPARK_IVY: engines.ivy },
  });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-8000);
  });
  const waiting: ((r: Reply) => void)[] = [];
  const lines = createInterface({ input: child.stdout });
  lines.on("line", (line) => {
    if (!line.startsWith("{")) return; // never a reply
    let reply: Reply;
    try {
      reply = JSON.parse(line) as Reply;
    } catch {
      reply = {
        ok: false,
        error: `spark-sql.py replied with a line that is not JSON: ${line.slice(0, 200)}`,
      };
    }
    waiting.shift()?.(reply);
  });
  child.on("exit", (code) => {
    for (const w of waiting.splice(0)) w({ ok: false, error: `spark-sql.py exited (${code}): ${stderr}` });
  });
  let queue: Promise<unknown> = Promise.resolve();
  const ask = (statement: string, conf: Readonly<Record<string, string>> = {}): Promise<Reply> => {
    const next = queue.then(
      () =>
        new Promise<Reply>((resolve) => {
          waiting.push(resolve);
          child.stdin.write(`${JSON.stringify({ sql: statement, conf })}\n`);
        }),
    );
    queue = next.catch(() => undefined);
    return next;
  };
  const sql = async (statement: string, conf?: Readonly<Record<string, string>>): Promise<SparkRow[]> => {
    const reply = await ask(statement, conf);
    if (!reply.ok) throw new Error(`Spark: ${reply.error}\n  in: ${statement}`);
    return reply.rows ?? [];
  };
  return {
    sql,
    async rows(statement) {
      const reply = await ask(statement);
      if (!reply.ok) throw new Error(`Spark: ${reply.error}\n  in: ${statement}`);
      const columns = reply.columns ?? [];
      return (reply.rows ?? []).map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i]])));
    },
    async close() {
      child.stdin.end();
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) resolve();
        else child.once("exit", () => resolve());
      });
    },
  };
}

/** Runs a Python snippet in the engines venv with `args` as sys.argv[1:]; returns its stdout. */
export async function runEnginesPython(code: string, args: readonly string[] = []): Promise<string> {
  const { python } = ensureEngines();
  const { stdout } = await run(python, ["-c", code, ...args], { maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}
