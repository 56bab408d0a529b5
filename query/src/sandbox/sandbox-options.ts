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
  /**
   * Hard cap of the session's sandbox process (resident memory: DuckDB and the JavaScript heap together), e.g.
   * "2GB". DuckDB's memory_limit does not bound everything (a huge list inside one value is not under it): a
   * process past this cap is killed and its query fails with QUERY_OUT_OF_MEMORY.
   */
  readonly processMemoryLimit: string;
  /** How long a query may run past timeoutMs, ignoring DuckDB's interrupt, before its process is killed. */
  readonly killGraceMs: number;
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
  processMemoryLimit: "2GB",
  killGraceMs: 1_000,
});

const UNITS: Readonly<Record<string, number>> = Object.freeze({
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
});

/** Bytes of a size text such as "512MB" or "2GiB" (DuckDB's units: KB = 1000 bytes, KiB = 1024). */
export function sizeBytes(size: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([A-Za-z]+)$/.exec(size.trim());
  const unit = UNITS[(m?.[2] ?? "").toLowerCase()];
  if (m === null || unit === undefined) return Number.NaN;
  return Math.floor(Number(m[1]) * unit);
}

const SIZE = /^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i;
const ZONE = /^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/;

/** The options merged with the defaults, or the first problem found. */
export function resolveSandboxOptions(options: Partial<SandboxOptions>): SandboxOptions | string {
  const o = { ...SANDBOX_DEFAULTS, ...options };
  if (!SIZE.test(o.memoryLimit)) return `memoryLimit must be a size like 512MB, got ${o.memoryLimit}`;
  if (!SIZE.test(o.maxTempDirectorySize))
    return `maxTempDirectorySize must be a size like 1GB, got ${o.maxTempDirectorySize}`;
  if (!SIZE.test(o.processMemoryLimit) || sizeBytes(o.processMemoryLimit) < 128 * 2 ** 20)
    return `processMemoryLimit must be a size of at least 128MiB like 2GB, got ${o.processMemoryLimit}`;
  for (const key of [
    "threads",
    "timeoutMs",
    "maxRows",
    "maxResultBytes",
    "maxSqlBytes",
    "killGraceMs",
  ] as const)
    if (!isIntegerInRange(o[key], { min: 1 })) return `${key} must be a positive integer, got ${o[key]}`;
  if (!ZONE.test(o.timeZone))
    return `timeZone must be a zone name like UTC or Europe/Paris, got ${o.timeZone}`;
  return o;
}
