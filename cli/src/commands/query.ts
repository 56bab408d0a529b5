// `facsimile query`: an analyst's SQL over one workspace's tables in a region, in the @facsimile/query
// sandbox (only that workspace's live rows; no files, settings or extensions). One query from the arguments or
// from piped stdin, or an interactive prompt on a terminal. Prints results as a table, CSV or JSON.
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { DEFAULT_HOME_DIR, HOME_ENV, LAKE_ENV, lakeLocation } from "@facsimile/core";
import { isLakeError } from "@facsimile/lake";
import {
  EXAMPLE_QUERIES,
  formatResult,
  isQueryError,
  isResultFormat,
  limitsFromFlags,
  openQueryEngine,
  type QueryEngine,
  type ResultFormat,
  type WorkspaceSession,
} from "@facsimile/query";
import { type CliCommand, type CliIo, EXIT, usageError } from "../command.js";

const usage = `usage: facsimile query --region <region> --workspace <id> [options] [SQL]

Runs one SELECT over a workspace's tables in a region. The session sees each table of the region holding
only that workspace's live rows (deleted rows hidden) and nothing else: no files, no settings, no
extensions, no other workspace. Without SQL: an interactive prompt when stdin is a terminal (end a
statement with ';', .help for commands), else the SQL is read from stdin.

  --lake <path|url>      the lake root: a folder or s3://bucket/prefix
                         (default: $${LAKE_ENV}, else $${HOME_ENV}/lake,
                         else ./${DEFAULT_HOME_DIR}/lake)
  --region <region>      the region, e.g. eu-west-1
  --workspace <id>       the workspace whose tables to query
  --format <f>           table (default), csv, json
  --example <name>       run a stored query instead of SQL: ${EXAMPLE_QUERIES.map((q) => q.name).join(", ")}
  --tables               list the session's tables and columns
  --timeout-ms <n>       time limit of one query (default 30000)
  --max-rows <n>         rows returned at most (default 10000)
  --memory-limit <size>  memory of the session's DuckDB (default 512MB)
  --process-memory-limit <size>
                         hard cap of the session's sandbox process (default 2GB)
  --threads <n>          threads of the session's DuckDB (default 2)

An s3:// lake takes S3_ENDPOINT, S3_REGION, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY from the environment.
exit codes: 0 done, 1 the query was refused or failed, 2 usage error`;

/** The CLI's I/O plus the stdin the prompt reads (tests pass their own; default: the process's). */
export interface QueryCliIo extends CliIo {
  readonly stdin?: NodeJS.ReadableStream & { readonly isTTY?: boolean };
}

interface Flags {
  lake?: string;
  region?: string;
  workspace?: string;
  format?: string;
  example?: string;
  tables?: boolean;
  "timeout-ms"?: string;
  "max-rows"?: string;
  "memory-limit"?: string;
  "process-memory-limit"?: string;
  threads?: string;
}

const command: CliCommand = {
  summary: "run SQL over one workspace's tables in a region (sandboxed)",
  usage,
  async run(args, cliIo) {
    const io = cliIo as QueryCliIo;
    let values: Flags;
    let positionals: string[];
    try {
      ({ values, positionals } = parseArgs({
        args: [...args],
        options: {
          lake: { type: "string" },
          region: { type: "string" },
          workspace: { type: "string" },
          format: { type: "string", default: "table" },
          example: { type: "string" },
          tables: { type: "boolean" },
          "timeout-ms": { type: "string" },
          "max-rows": { type: "string" },
          "memory-limit": { type: "string" },
          "process-memory-limit": { type: "string" },
          threads: { type: "string" },
        },
        allowPositionals: true,
        strict: true,
      }));
    } catch (err) {
      return usageError(io, usage, (err as Error).message);
    }
    const format = values.format ?? "table";
    if (!isResultFormat(format)) return usageError(io, usage, `unknown --format ${format}`);
    if (values.region === undefined || values.workspace === undefined)
      return usageError(io, usage, "--region and --workspace are required");
    const limits = limitsFromFlags(values);
    if (typeof limits === "string") return usageError(io, usage, limits);
    let sql = positionals.length > 0 ? positionals.join(" ") : undefined;
    if (values.example !== undefined) {
      const example = EXAMPLE_QUERIES.find((q) => q.name === values.example);
      if (example === undefined) return usageError(io, usage, `unknown --example ${values.example}`);
      if (sql !== undefined) return usageError(io, usage, "give SQL or --example, not both");
      sql = example.sql;
    }
    const stdin = io.stdin ?? process.stdin;
    let engine: QueryEngine;
    try {
      engine = await openQueryEngine(lakeLocation(values.lake, io.env, io.cwd), { env: io.env });
    } catch (err) {
      return failure(io, err);
    }
    try {
      const session = await engine.openSession(values.region, values.workspace, limits);
      try {
        if (values.tables === true) {
          io.stdout(describeTables(session));
          return EXIT.OK;
        }
        if (sql === undefined && stdin.isTTY === true) return await prompt(session, stdin, io, format);
        sql ??= await readAll(stdin);
        return await runOne(session, sql, io, format);
      } finally {
        await session.close();
      }
    } catch (err) {
      return failure(io, err, engine);
    } finally {
      await engine.close();
    }
  },
};

export default command;

function failure(io: CliIo, err: unknown, engine?: QueryEngine): number {
  if (!isQueryError(err)) {
    // The lake's own typed errors (an unreadable store, a bad lake URL) carry a code too.
    if (isLakeError(err)) {
      io.stderr(`facsimile query: ${err.code}: ${err.message}\n`);
      return EXIT.FAILED;
    }
    throw err;
  }
  const where =
    (err.code === "REGION_NOT_FOUND" || err.code === "LAKE_NOT_FOUND") && engine !== undefined
      ? ` (lake: ${engine.lake})`
      : "";
  io.stderr(`facsimile query: ${err.code}: ${err.message}${where}\n`);
  return err.code === "INVALID_ARGUMENT" ? EXIT.USAGE : EXIT.FAILED;
}

async function runOne(
  session: WorkspaceSession,
  sql: string,
  io: CliIo,
  format: ResultFormat,
): Promise<number> {
  try {
    io.stdout(formatResult(await session.query(sql), format));
    return EXIT.OK;
  } catch (err) {
    return failure(io, err);
  }
}

function describeTables(session: WorkspaceSession): string {
  const lines = [`workspace ${session.workspace} in region ${session.region}:`];
  for (const t of session.tables) {
    lines.push(`  ${t.name} (${t.rowCount} rows, table version ${t.version})`);
    for (const c of t.columns) lines.push(`    ${c.name} ${c.type}`);
  }
  return `${lines.join("\n")}\n`;
}

async function readAll(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString("utf8");
}

const PROMPT_HELP = `Enter one SELECT, ended by ';'. Commands:
  .tables              the tables and their columns
  .format <f>          table, csv or json
  .example <name>      run a stored query (${EXAMPLE_QUERIES.map((q) => q.name).join(", ")})
  .help                this text
  .quit                leave (or Ctrl-D); Ctrl-C stops a running query
`;

/** The interactive prompt: one session for the whole conversation, one query at a time. */
async function prompt(
  session: WorkspaceSession,
  stdin: NodeJS.ReadableStream,
  io: CliIo,
  initialFormat: ResultFormat,
): Promise<number> {
  const real = stdin === process.stdin && process.stdout.isTTY === true;
  const rl = createInterface({ input: stdin, ...(real ? { output: process.stdout, terminal: true } : {}) });
  const show = (text: string) => (real ? rl.setPrompt(text) : undefined);
  let format = initialFormat;
  let buffer = "";
  let running = false;
  const ask = () => {
    const text = buffer === "" ? `${session.workspace}@${session.region}> ` : "   ...> ";
    show(text);
    if (real) rl.prompt();
    else io.stdout(text);
  };
  rl.on("SIGINT", () => {
    if (running) session.interrupt();
    else {
      buffer = "";
      io.stdout("\n");
      ask();
    }
  });
  io.stdout(`facsimile query: workspace ${session.workspace}, region ${session.region}. .help for help\n`);
  ask();
  for await (const line of rl) {
    const trimmed = line.trim();
    if (buffer === "" && trimmed.startsWith(".")) {
      const [word, arg] = trimmed.split(/\s+/, 2);
      if (word === ".quit" || word === ".exit") break;
      if (word === ".help") io.stdout(PROMPT_HELP);
      else if (word === ".tables") io.stdout(describeTables(session));
      else if (word === ".format" && arg !== undefined && isResultFormat(arg)) format = arg;
      else if (word === ".example" && EXAMPLE_QUERIES.some((q) => q.name === arg)) {
        running = true;
        await runOne(session, EXAMPLE_QUERIES.find((q) => q.name === arg)?.sql ?? "", io, format);
        running = false;
      } else io.stdout(`unknown command ${trimmed}: .help lists them\n`);
      ask();
      continue;
    }
    buffer = buffer === "" ? line : `${buffer}\n${line}`;
    if (trimmed.endsWith(";")) {
      running = true;
      await runOne(session, buffer, io, format);
      running = false;
      buffer = "";
    }
    ask();
  }
  rl.close();
  if (!real) io.stdout("\n");
  return EXIT.OK;
}
