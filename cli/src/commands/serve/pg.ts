// `facsimile serve pg`: the analysts' PostgreSQL-protocol endpoint for one region. psql, BI tools and drivers log
// in with user = workspace id and a password from the credentials file, and query the workspace's tables in the
// same sandbox as `facsimile query`. With the union read (the default) a record is visible as soon as the raw sink
// holds it. Runs until SIGINT or SIGTERM, then lets running queries finish (within a grace period) and stops.
// Never prints passwords or SQL.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { DEFAULT_HOME_DIR, HOME_ENV, LAKE_ENV, lakeLocation } from "@facsimile/core";
import {
  isQueryError,
  limitsFromFlags,
  loadPgCredentials,
  openQueryEngine,
  PG_SERVER_DEFAULTS,
  type PgAuthMethod,
  startPgServer,
  unionReadOverlay,
} from "@facsimile/query";
import { loadDefaultRegistry } from "@facsimile/schemas";
import { compileModels, DEFAULT_MODELS_DIR } from "@facsimile/transforms";
import { type CliCommand, EXIT, usageError } from "../../command.js";
import { stopped } from "../../wait-for-stop.js";
import type { ServeCliIo } from "./query.js";

const CREDENTIALS_ENV = "FACSIMILE_PG_CREDENTIALS";

const usage = `usage: facsimile serve pg --region <region> --credentials <file> [--lake <path|url>] [--port <n>] [options]

Serves the region's tables over the PostgreSQL protocol (psql, JDBC/ODBC, node-pg, psycopg, BI tools):

  psql "host=127.0.0.1 port=${PG_SERVER_DEFAULTS.port} user=<workspace> dbname=facsimile"

User name = workspace id; password = a secret of that workspace in the credentials file. Each workspace sees
only its own live rows, in the same sandbox (limits, refusals) as \`facsimile query\`; errors carry SQLSTATEs.

  --region <region>       the region whose tables are served (required)
  --credentials <file>    JSON {"workspaces": {"<workspace>": "<secret>" | "sha256:<hex>" | [...]}}, the shape of
                          \`serve query --tokens\` (default: $${CREDENTIALS_ENV}); SCRAM needs plaintext secrets
  --auth <method>         scram-sha-256 (default) or password (cleartext; use with TLS)
  --tls-cert <file>       PEM certificate: TLS on SSLRequest (with --tls-key); without, SSL is refused ('N')
  --tls-key <file>        PEM private key
  --lake <path|url>       the lake root (default: $${LAKE_ENV}, else $${HOME_ENV}/lake, else ./${DEFAULT_HOME_DIR}/lake)
  --models <dir>          hand-written models of the union read (default: transforms/models)
  --no-union-read         show merged tables only (records appear when the merge stage merged them)
  --host <host>           address to listen on (default ${PG_SERVER_DEFAULTS.host})
  --port <n>              port (default ${PG_SERVER_DEFAULTS.port}; 0 picks a free one)
  --max-connections <n>   clients at once (default ${PG_SERVER_DEFAULTS.maxConnections})
  --refresh-ms <n>        how often cached sessions check the lake for new commits (default 250)
  --timeout-ms <n>        time limit of one query (default 30000)
  --max-rows <n>          rows returned at most (default 10000)
  --memory-limit <size>   memory of each workspace session's DuckDB (default 512MB)
  --threads <n>           threads of each workspace session's DuckDB (default 2)

Stops on SIGINT or SIGTERM. exit codes: 0 stopped cleanly, 1 failed to start, 2 usage error`;

const command: CliCommand = {
  summary: "serve a region's tables over the PostgreSQL protocol, one login per workspace (sandboxed)",
  usage,
  async run(args, cliIo) {
    const io = cliIo as ServeCliIo;
    let values: Record<string, string | boolean | undefined>;
    try {
      ({ values } = parseArgs({
        args: [...args],
        options: {
          region: { type: "string" },
          credentials: { type: "string" },
          auth: { type: "string" },
          "tls-cert": { type: "string" },
          "tls-key": { type: "string" },
          lake: { type: "string" },
          models: { type: "string" },
          "no-union-read": { type: "boolean" },
          host: { type: "string" },
          port: { type: "string" },
          "max-connections": { type: "string" },
          "refresh-ms": { type: "string" },
          "timeout-ms": { type: "string" },
          "max-rows": { type: "string" },
          "memory-limit": { type: "string" },
          threads: { type: "string" },
        },
        strict: true,
      }));
    } catch (err) {
      return usageError(io, usage, (err as Error).message);
    }
    const str = (k: string): string | undefined =>
      typeof values[k] === "string" ? (values[k] as string) : undefined;
    const region = str("region");
    if (region === undefined) return usageError(io, usage, "--region is required");
    const credentialsFile = str("credentials") ?? io.env[CREDENTIALS_ENV];
    if (credentialsFile === undefined || credentialsFile === "")
      return usageError(io, usage, "--credentials is required");
    const auth = (str("auth") ?? PG_SERVER_DEFAULTS.auth) as PgAuthMethod;
    if (auth !== "scram-sha-256" && auth !== "password")
      return usageError(io, usage, `--auth must be scram-sha-256 or password, got ${auth}`);
    const certFile = str("tls-cert");
    const keyFile = str("tls-key");
    if ((certFile === undefined) !== (keyFile === undefined))
      return usageError(io, usage, "--tls-cert and --tls-key go together");
    const limits = limitsFromFlags({
      "timeout-ms": str("timeout-ms"),
      "max-rows": str("max-rows"),
      "memory-limit": str("memory-limit"),
      threads: str("threads"),
    });
    if (typeof limits === "string") return usageError(io, usage, limits);
    const ints: Record<string, number> = {};
    for (const [flag, fallback, min] of [
      ["port", PG_SERVER_DEFAULTS.port, 0],
      ["max-connections", PG_SERVER_DEFAULTS.maxConnections, 1],
      ["refresh-ms", 250, 10],
    ] as const) {
      const n = Number(str(flag) ?? fallback);
      if (!Number.isInteger(n) || n < min || (flag === "port" && n > 65535))
        return usageError(io, usage, `bad --${flag} ${str(flag)}`);
      ints[flag] = n;
    }
    let credentials: Awaited<ReturnType<typeof loadPgCredentials>>;
    try {
      credentials = await loadPgCredentials(resolve(io.cwd, credentialsFile));
    } catch (err) {
      if (!isQueryError(err)) throw err;
      io.stderr(`facsimile serve pg: ${err.message}\n`);
      return EXIT.USAGE;
    }
    const engine = await openQueryEngine(lakeLocation(str("lake"), io.env, io.cwd), {
      env: io.env,
      session: limits,
    });
    try {
      const unionRead = values["no-union-read"] !== true;
      let overlay: ReturnType<typeof unionReadOverlay> | undefined;
      if (unionRead) {
        const registry = loadDefaultRegistry();
        const modelsDir = str("models");
        const { models } = await compileModels(registry, {
          modelsDir: modelsDir === undefined ? DEFAULT_MODELS_DIR : resolve(io.cwd, modelsDir),
        });
        overlay = unionReadOverlay({ registry, models });
      }
      const tls =
        certFile === undefined || keyFile === undefined
          ? undefined
          : {
              cert: await readFile(resolve(io.cwd, certFile)),
              key: await readFile(resolve(io.cwd, keyFile)),
            };
      const server = await startPgServer(engine, {
        region,
        credentials,
        auth,
        tls,
        host: str("host") ?? PG_SERVER_DEFAULTS.host,
        port: ints.port as number,
        maxConnections: ints["max-connections"] as number,
        sessionCache: { refreshIntervalMs: ints["refresh-ms"] as number },
        openSession: (workspace) =>
          engine.openSession(region, workspace, overlay === undefined ? {} : { overlay }),
        log: (line) => io.stderr(`${new Date().toISOString()} ${line}\n`),
      });
      io.stdout(
        `facsimile pg endpoint on ${server.host}:${server.port} (region ${region}, lake ${engine.lake}, ` +
          `${credentials.workspaces.length} workspace(s), union read ${unionRead ? "on" : "off"}, TLS ${tls === undefined ? "off" : "on"})\n`,
      );
      await stopped(io.signal);
      io.stderr("stopping: letting running queries finish\n");
      await server.close();
      return EXIT.OK;
    } catch (err) {
      io.stderr(`facsimile serve pg: ${(err as Error).message}\n`);
      return EXIT.FAILED;
    } finally {
      await engine.close();
    }
  },
};

export default command;
