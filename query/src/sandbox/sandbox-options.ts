// The limits of one workspace session's DuckDB: memory, threads, spill space, time, result size. Values only.
import { isIntegerInRange } from "@facsimile/core";

export interface SandboxOptions {
  /** DuckDB memory_limit (the session's tables and its queries together), e.g. "512MB". */
  readonly memoryLimit: string;
  /** DuckDB worker threads of the session. */
  readonly threads: number;
  /** Spill space on disk (DuckDB max_temp_directory_size), e.g. "1GB". */
  readonly maxTempDirectorySize: string;
  /** Wall-clock limit of one query (checks, planning, execution and reading the result), in ms. */
  readonly timeoutMs: number;
  /** Rows returned at most; a result with more is cut and flagged `truncated`. */
  readonly maxRows: number;
  /** Approximate size (JSON text) of the returned rows at most; a larger result fails with RESULT_TOO_LARGE. */
  readonly maxResultBytes: number;
  /** Longest SQL text accepted, in UTF-8 bytes. */
  readonly maxSqlBytes: number;
  /** Session time zone: what TIMESTAMPTZ values print in and date functions group by. */
  readonly timeZone: string;
  /** Parent of the per-session directory (DuckDB's spill files); removed when the session closes. */
  readonly tempRoot: string | undefined;
}

export const SANDBOX_DEFAULTS: Readonly<SandboxOptions> = Object.freeze({
  memoryLimit: "512MB",
  threads: 2,
  maxTempDirectorySize: "1GB",
  timeoutMs: 30_000,
  maxRows: 10_000,
  maxResultBytes: 16 * 1024 * 1024,
  maxSqlBytes: 100_000,
  timeZone: "UTC",
  tempRoot: undefined,
});

const SIZE = /^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i;
const ZONE = /^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/;

/** The options merged with the defaults, or the first problem found. */
export function resolveSandboxOptions(options: Partial<SandboxOptions>): SandboxOptions | string {
  const o = { ...SANDBOX_DEFAULTS, ...options };
  if (!SIZE.test(o.memoryLimit)) return `memoryLimit must be a size like 512MB, got ${o.memoryLimit}`;
  if (!SIZE.test(o.maxTempDirectorySize))
    return `maxTempDirectorySize must be a size like 1GB, got ${o.maxTempDirectorySize}`;
  for (const key of ["threads", "timeoutMs", "maxRows", "maxResultBytes", "maxSqlBytes"] as const)
    if (!isIntegerInRange(o[key], { min: 1 })) return `${key} must be a positive integer, got ${o[key]}`;
  if (!ZONE.test(o.timeZone))
    return `timeZone must be a zone name like UTC or Europe/Paris, got ${o.timeZone}`;
  return o;
}
