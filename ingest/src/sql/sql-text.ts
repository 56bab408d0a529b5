// SQL text helpers for the statements ingest builds itself (staging tables, sink filters): literal quoting and
// unique table names. Pure string building.
import { randomBytes } from "node:crypto";

export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A temp table name no other statement of this process uses. */
export function tempName(prefix: string): string {
  return `${prefix}_${randomBytes(6).toString("hex")}`;
}
