// `facsimile serve query`: the analysts' HTTP endpoint, POST /v1/regions/:region/workspaces/:workspace/query,
// with one bearer token per workspace from a tokens file. Runs until SIGINT or SIGTERM, then lets running
// queries finish (within a grace period) and stops. Never prints tokens or SQL.

import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_HOME_DIR, HOME_ENV, isIntegerInRange, LAKE_ENV, lakeLocation } from "@facsimile/core";
import {
  isQueryError,
  limitsFromFlags,
  loadWorkspaceTokens,
  openQueryEngine,
  QUERY_SERVER_DEFAULTS,
  startQueryServer,
} from "@facsimile/query";
import { type CliCommand, type CliIo, EXIT, usageError } from "../../command.js";
import { stopped } from "../../wait-for-stop.js";

const TOKENS_ENV = "FACSIMILE_QUERY_TOKENS";

const usage = `usage: facsimile serve query --tokens <file> [--lake <path|url>] [--host <host>] [--port <n>] [limits]

Serves analysts' SQL over HTTP:

  POST /v1/regions/<region>/workspaces/<workspace>/query
  Authorization: Bearer <token of that workspace>
  {"sql": "SELECT ...", "format": "json" | "csv", "maxRows": n, "timeoutMs": n}
  -> 200 {"columns": [{"name", "type"}], "rows": [[...]], "rowCount", "truncated", "elapsedMs"} (or CSV)
  -> 400/401/403/404/408/413/415/500/503 {"error": {"code", "message"}}

Each request runs in a fresh sandbox that sees only that workspace's live rows of the region's tables.

  --tokens <file>        JSON {"workspaces": {"<workspace>": "<token>" | "sha256:<hex>" | [...]}}
                         (default: $${TOKENS_ENV})
  --lake <path|url>      the lake root (default: $${LAKE_ENV}, else $${HOME_ENV}/lake,
                         else ./${DEFAULT_HOME_DIR}/lake)
  --host <host>          address to listen on (default ${QUERY_SERVER_DEFAULTS.host})
  --port <n>             port (default ${QUERY_SERVER_DEFAULTS.port}; 0 picks a free one)
  --max-concurrent <n>   sessions at once (default ${QUERY_SERVER_DEFAULTS.maxConcurrent})
  --timeout-ms <n>       time limit of one query (default 30000)
  --max-rows <n>         rows returned at most (default 10000)
  --memory-limit <size>  memory of each session's DuckDB (default 512MB)
  --process-memory-limit <size>
                         hard cap of the session's sandbox process (default 2GB)
  --threads <n>          threads of each session's DuckDB (default 2)

Stops on SIGINT or SIGTERM. exit codes: 0 stopped cleanly, 1 failed to start, 2 usage error`;

/** The CLI's I/O plus a signal that stops the server (tests and embedding; default: SIGINT/SIGTERM). */
export interface ServeCliIo extends CliIo {
  readonly signal?: AbortSignal;
}

const command: CliCommand = {
  summary: "serve analysts' SQL over HTTP, one token per workspace (sandboxed)",
  usage,
  async run(args, cliIo) {
    const io = cliIo as ServeCliIo;
    let values: Record<string, string | undefined>;
    try {
      ({ values } = parseArgs({
        args: [...args],
        options: {
          tokens: { type: "string" },
          lake: { type: "string" },
          host: { type: "string" },
          port: { type: "string" },
          "max-concurrent": { type: "string" },
          "timeout-ms": { type: "string" },
          "max-rows": { type: "string" },
          "memory-limit": { type: "string" },
          "process-memory-limit": { type: "string" },
          threads: { type: "string" },
        },
        strict: true,
      }));
    } catch (err) {
      return usageError(io, usage, (err as Error).message);
    }
    const tokensFile = values.tokens ?? io.env[TOKENS_ENV];
    if (tokensFile === undefined || tokensFile === "") return usageError(io, usage, "--tokens is required");
    const limits = limitsFromFlags(values);
    if (typeof limits === "string") return usageError(io, usage, limits);
    const port = Number(values.port ?? QUERY_SERVER_DEFAULTS.port);
    const maxConcurrent = Number(values["max-concurrent"] ?? QUERY_SERVER_DEFAULTS.maxConcurrent);
    if (!isIntegerInRange(port, { min: 0, max: 65535 }))
      return usageError(io, usage, `bad --port ${values.port}`);
    if (!isIntegerInRange(maxConcurrent, { min: 1 }))
      return usageError(io, usage, `bad --max-concurrent ${values["max-concurrent"]}`);
    let tokens: Awaited<ReturnType<typeof loadWorkspaceTokens>>;
    try {
      tokens = await loadWorkspaceTokens(resolve(io.cwd, tokensFile));
    } catch (err) {
      if (!isQueryError(err)) throw err;
      io.stderr(`facsimile serve query: ${err.message}\n`);
      return EXIT.USAGE;
    }
    const engine = await openQueryEngine(lakeLocation(values.lake, io.env, io.cwd), {
      env: io.env,
      session: limits,
    });
    try {
      const server = await startQueryServer(engine, {
        tokens,
        host: values.host ?? QUERY_SERVER_DEFAULTS.host,
        port,
        maxConcurrent,
        log: (line) => io.stderr(`${new Date().toISOString()} ${line}\n`),
      });
      io.stdout(
        `facsimile query endpoint on ${server.url} (lake ${engine.lake}, ${tokens.workspaces.length} workspace(s))\n`,
      );
      await stopped(io.signal);
      io.stderr("stopping: letting running queries finish\n");
      await server.close();
      return EXIT.OK;
    } catch (err) {
      io.stderr(`facsimile serve query: ${(err as Error).message}\n`);
      return EXIT.FAILED;
    } finally {
      await engine.close();
    }
  },
};

export default command;
