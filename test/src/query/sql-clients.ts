// SQL clients we do not write, for the PostgreSQL endpoint's tests: psql (Debian's postgresql-client) and Python's
// psycopg, installed by test/scripts/setup-sql-clients.sh (cached; a no-op once done). Test tooling only.
import { execFile, execFileSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const SCRIPT = fileURLToPath(new URL("../../scripts/setup-sql-clients.sh", import.meta.url));

export interface SqlClients {
  readonly psql: string;
  readonly python: string;
  readonly openssl: string;
}

let cached: SqlClients | undefined;

export function ensureSqlClients(): SqlClients {
  if (cached !== undefined) return cached;
  const out = execFileSync("bash", [SCRIPT], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    timeout: 10 * 60_000,
  });
  const vars = new Map(
    out.split("\n").flatMap((line) => {
      const m = /^([A-Z_]+)=(.*)$/.exec(line);
      return m?.[1] === undefined || m[2] === undefined ? [] : [[m[1], m[2]] as const];
    }),
  );
  const psql = vars.get("FACSIMILE_PSQL");
  const python = vars.get("FACSIMILE_PSYCOPG_PYTHON");
  const openssl = vars.get("FACSIMILE_OPENSSL");
  if (psql === undefined || python === undefined || openssl === undefined)
    throw new Error(`setup-sql-clients.sh printed:\n${out}`);
  cached = { psql, python, openssl };
  return cached;
}

export interface ClientRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a client program with a password in its environment; resolves with its exit code and output. */
export function runClient(
  file: string,
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  input?: string,
): Promise<ClientRun> {
  return new Promise((resolve) => {
    const child = execFile(
      file,
      [...args],
      { env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env }, timeout: 60_000 },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === "number" ? err.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** A throwaway self-signed certificate for 127.0.0.1 (test only): the PEM files' paths. */
export function selfSignedCertificate(clients: SqlClients, dir: string): { cert: string; key: string } {
  const cert = join(dir, "endpoint-cert.pem");
  const key = join(dir, "endpoint-key.pem");
  execFileSync(
    clients.openssl,
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=127.0.0.1",
      "-keyout",
      key,
      "-out",
      cert,
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  return { cert, key };
}

/** psql against the endpoint: unaligned output, no psqlrc, stop at the first error. */
export function psql(
  clients: SqlClients,
  port: number,
  user: string,
  password: string,
  commands: readonly string[],
  extra: readonly string[] = [],
  sslmode = "disable",
  input?: string,
): Promise<ClientRun> {
  return runClient(
    clients.psql,
    [
      "-X",
      "-A",
      "-v",
      "ON_ERROR_STOP=1",
      "-v",
      "VERBOSITY=verbose",
      ...extra,
      `host=127.0.0.1 port=${port} user=${user} dbname=facsimile sslmode=${sslmode}`,
      ...commands.flatMap((c) => ["-c", c]),
    ],
    { PGPASSWORD: password, PGCONNECT_TIMEOUT: "10" },
    input,
  );
}
