// What `facsimile maintain` and `facsimile restore` share: durations in flags, the directory-backed BYOK key of a
// partition, JSON output without the log actions, and an error line.
import type { DirectoryView } from "@facsimile/control-plane";
import { isFacsimileError } from "@facsimile/core";
import type { PartitionValues } from "@facsimile/lake";

const UNITS: Readonly<Record<string, number>> = Object.freeze({
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
});

/** "500ms", "10s", "30m", "1h", "7d" or a bare number of ms; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (m === null) return undefined;
  return Math.round(Number(m[1]) * (UNITS[m[2] ?? "ms"] ?? 1));
}

/** The workspace's key id for files of its partitions (tables are partitioned by workspace_id). */
export function kmsKeyIdFor(view: DirectoryView): (pv: PartitionValues) => string | undefined {
  return (pv) => {
    const ws = pv.workspace_id;
    return typeof ws === "string" ? view.kmsKeyIdOf(ws) : undefined;
  };
}

/** JSON text of plans and results: log actions and file statistics left out, bigints as strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (key, v) => {
    if (key === "add" || key === "metadata" || key === "erasedPredicate") return undefined;
    if (typeof v === "bigint") return v.toString();
    if (v instanceof Error) return errorText(v);
    return v;
  });
}

export function errorText(err: unknown): string {
  return isFacsimileError(err) ? `${err.code}: ${err.message}` : String(err);
}
