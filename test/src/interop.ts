// Independent readers and writers of Delta tables for interoperability tests: delta-rs (Python `deltalake`) and
// DuckDB's delta extension, installed offline by lake/scripts/setup-interop.sh (cached; a no-op once done).
// Test tooling only: nothing here may be imported by production code.
import { execFile, execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { S3Endpoint } from "./endpoints.js";

const run = promisify(execFile);
const SCRIPTS = fileURLToPath(new URL("../../lake/scripts/", import.meta.url));

export interface Interop {
  /** The venv's python, with deltalake, pyarrow and duckdb 1.4.4. */
  readonly python: string;
  /** DuckDB extension_directory holding v1.4.4/<platform>/{delta,httpfs}.duckdb_extension. */
  readonly extensionDir: string;
  readonly readDeltaScript: string;
  readonly writeDeltaScript: string;
}

let cached: Interop | undefined;

/**
 * Runs setup-interop.sh synchronously (minutes on a cold cache, ~0.2 s warm; concurrent callers wait on its
 * lock) and returns where the tools are. Also sets FACSIMILE_DUCKDB_EXTENSION_DIR for this process, so
 * openDuckDb() finds the extensions without being told.
 */
export function ensureInterop(): Interop {
  if (cached !== undefined) return cached;
  const out = execFileSync("bash", [`${SCRIPTS}setup-interop.sh`], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    timeout: 15 * 60_000,
  });
  const vars = new Map(
    out
      .split("\n")
      .map((line) => /^([A-Z_]+)=(.*)$/.exec(line))
      .flatMap((m) => (m?.[1] === undefined || m[2] === undefined ? [] : [[m[1], m[2]] as const])),
  );
  const python = vars.get("FACSIMILE_INTEROP_PYTHON");
  const extensionDir = vars.get("FACSIMILE_DUCKDB_EXTENSION_DIR");
  if (python === undefined || extensionDir === undefined)
    throw new Error(
      `setup-interop.sh printed no FACSIMILE_INTEROP_PYTHON / FACSIMILE_DUCKDB_EXTENSION_DIR:\n${out}`,
    );
  process.env.FACSIMILE_DUCKDB_EXTENSION_DIR = extensionDir;
  cached = {
    python,
    extensionDir,
    readDeltaScript: `${SCRIPTS}read-delta.py`,
    writeDeltaScript: `${SCRIPTS}write-delta.py`,
  };
  return cached;
}

/** What read-delta.py reports about a table: its first line. */
export interface DeltaTableSummary {
  readonly version: number;
  readonly partitionColumns: readonly string[];
  readonly schema: readonly { readonly name: string; readonly type: string; readonly nullable: boolean }[];
  readonly numRows: number;
  readonly files: readonly string[];
  readonly protocol: { readonly minReaderVersion: number; readonly minWriterVersion: number };
  readonly txnVersions: Readonly<Record<string, number | null>>;
}

export interface ReadDeltaOptions {
  readonly version?: number;
  readonly orderBy?: readonly string[];
  readonly columns?: readonly string[];
  /** Report the txn version of these app ids (idempotency checks). */
  readonly appIds?: readonly string[];
  /** For s3:// table URIs. */
  readonly s3?: S3Endpoint;
}

/** Reads a Delta table with delta-rs: the table's summary and its rows (see read-delta.py for value encoding). */
export async function readDelta(
  uri: string,
  options: ReadDeltaOptions = {},
): Promise<{ table: DeltaTableSummary; rows: Record<string, unknown>[] }> {
  const { python, readDeltaScript } = ensureInterop();
  const args = [readDeltaScript, uri];
  if (options.version !== undefined) args.push("--version", String(options.version));
  if (options.orderBy !== undefined) args.push("--order-by", options.orderBy.join(","));
  if (options.columns !== undefined) args.push("--columns", options.columns.join(","));
  for (const id of options.appIds ?? []) args.push("--app-id", id);
  const { stdout } = await run(python, args, { env: pythonEnv(options.s3), maxBuffer: 256 * 1024 * 1024 });
  const [header, ...rows] = stdout
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as unknown);
  return { table: header as DeltaTableSummary, rows: rows as Record<string, unknown>[] };
}

export interface WriteDeltaOptions {
  readonly mode?: "append" | "overwrite" | "error";
  readonly partitionBy?: readonly string[];
  /** "name:type,..." with types string, int32, int64, float64, bool, date, timestamp, binary. */
  readonly schema?: string;
  readonly s3?: S3Endpoint;
}

/** Writes rows as a Delta table commit with delta-rs; returns the new table version. */
export async function writeDelta(
  uri: string,
  rows: readonly Record<string, unknown>[],
  options: WriteDeltaOptions = {},
): Promise<number> {
  const { python, writeDeltaScript } = ensureInterop();
  const args = [writeDeltaScript, uri, "--mode", options.mode ?? "append"];
  if (options.partitionBy !== undefined) args.push("--partition-by", options.partitionBy.join(","));
  if (options.schema !== undefined) args.push("--schema", options.schema);
  const child = run(python, args, { env: pythonEnv(options.s3) });
  child.child.stdin?.end(rows.map((row) => JSON.stringify(row)).join("\n"));
  const { stdout } = await child;
  return (JSON.parse(stdout.trim()) as { version: number }).version;
}

function pythonEnv(s3: S3Endpoint | undefined): NodeJS.ProcessEnv {
  if (s3 === undefined) return process.env;
  return {
    ...process.env,
    S3_ENDPOINT: s3.endpoint,
    S3_REGION: s3.region,
    S3_ACCESS_KEY_ID: s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
  };
}
