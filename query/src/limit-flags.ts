// How the query tools' limit flags read: shared by `facsimile query` and `facsimile serve query`, so both take the
// same limits. Where they find the lake is @facsimile/core's lakeLocation, shared by every command. Pure.
import { resolveSandboxOptions, type SandboxOptions } from "./sandbox/sandbox-options.js";

export interface LimitFlags {
  readonly "timeout-ms"?: string | undefined;
  readonly "max-rows"?: string | undefined;
  readonly "memory-limit"?: string | undefined;
  readonly "process-memory-limit"?: string | undefined;
  readonly threads?: string | undefined;
}

/** The session limits the flags ask for, or what is wrong with them. */
export function limitsFromFlags(flags: LimitFlags): Partial<SandboxOptions> | string {
  const out: { -readonly [K in keyof SandboxOptions]?: SandboxOptions[K] } = {};
  const int = (flag: string, value: string | undefined): number | string | undefined => {
    if (value === undefined) return undefined;
    return /^\d+$/.test(value) ? Number(value) : `--${flag} must be a positive integer, got ${value}`;
  };
  const timeout = int("timeout-ms", flags["timeout-ms"]);
  const rows = int("max-rows", flags["max-rows"]);
  const threads = int("threads", flags.threads);
  for (const v of [timeout, rows, threads]) if (typeof v === "string") return v;
  if (typeof timeout === "number") out.timeoutMs = timeout;
  if (typeof rows === "number") out.maxRows = rows;
  if (typeof threads === "number") out.threads = threads;
  if (flags["memory-limit"] !== undefined) out.memoryLimit = flags["memory-limit"];
  if (flags["process-memory-limit"] !== undefined) out.processMemoryLimit = flags["process-memory-limit"];
  const checked = resolveSandboxOptions(out);
  return typeof checked === "string" ? checked : out;
}
