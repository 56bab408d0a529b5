// DuckDB result types as PostgreSQL types: the type OID and size a client's driver decodes by, the name
// format_type() shows in psql's \d, and each value as PostgreSQL's text format (booleans t/f, timestamps in ISO
// form, nested values as JSON). Pure.
import type { QueryValue } from "../session/query-result.js";

export interface PgType {
  readonly oid: number;
  /** pg_type.typlen (-1: variable length). */
  readonly size: number;
  /** What format_type() prints: "bigint", "timestamp with time zone", ... */
  readonly name: string;
}

const T = (oid: number, size: number, name: string): PgType => Object.freeze({ oid, size, name });

export const PG_TYPES = Object.freeze({
  bool: T(16, 1, "boolean"),
  int2: T(21, 2, "smallint"),
  int4: T(23, 4, "integer"),
  int8: T(20, 8, "bigint"),
  float4: T(700, 4, "real"),
  float8: T(701, 8, "double precision"),
  numeric: T(1700, -1, "numeric"),
  text: T(25, -1, "text"),
  date: T(1082, 4, "date"),
  time: T(1083, 8, "time without time zone"),
  timestamp: T(1114, 8, "timestamp without time zone"),
  timestamptz: T(1184, 8, "timestamp with time zone"),
  interval: T(1186, 16, "interval"),
  uuid: T(2950, 16, "uuid"),
  json: T(114, -1, "json"),
});

const EXACT: Readonly<Record<string, PgType>> = {
  BOOLEAN: PG_TYPES.bool,
  TINYINT: PG_TYPES.int2,
  SMALLINT: PG_TYPES.int2,
  UTINYINT: PG_TYPES.int2,
  INTEGER: PG_TYPES.int4,
  USMALLINT: PG_TYPES.int4,
  BIGINT: PG_TYPES.int8,
  UINTEGER: PG_TYPES.int8,
  UBIGINT: PG_TYPES.numeric,
  HUGEINT: PG_TYPES.numeric,
  UHUGEINT: PG_TYPES.numeric,
  FLOAT: PG_TYPES.float4,
  DOUBLE: PG_TYPES.float8,
  VARCHAR: PG_TYPES.text,
  DATE: PG_TYPES.date,
  TIME: PG_TYPES.time,
  TIMESTAMP: PG_TYPES.timestamp,
  TIMESTAMP_S: PG_TYPES.timestamp,
  TIMESTAMP_MS: PG_TYPES.timestamp,
  TIMESTAMP_NS: PG_TYPES.timestamp,
  TIMESTAMPTZ: PG_TYPES.timestamptz,
  "TIMESTAMP WITH TIME ZONE": PG_TYPES.timestamptz,
  INTERVAL: PG_TYPES.interval,
  UUID: PG_TYPES.uuid,
};

/** The PostgreSQL type of a DuckDB type text (as QueryColumn.type and ViewColumn.type spell it). */
export function pgTypeOf(duckdbType: string): PgType {
  const exact = EXACT[duckdbType.toUpperCase()];
  if (exact !== undefined) return exact;
  if (/^DECIMAL\b/i.test(duckdbType)) return PG_TYPES.numeric;
  if (/\[\d*\]$|^(STRUCT|MAP|UNION)\b/i.test(duckdbType)) return PG_TYPES.json;
  // BLOB, BIT, ENUM and anything new: shown as text.
  return PG_TYPES.text;
}

/** A value in PostgreSQL text format (null stays null). */
export function pgText(value: QueryValue, type: PgType): string | null {
  if (value === null) return null;
  if (typeof value === "boolean") return value ? "t" : "f";
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return value;
  if (type === PG_TYPES.interval && !Array.isArray(value)) return intervalText(value);
  return JSON.stringify(value);
}

function intervalText(v: { [key: string]: QueryValue }): string {
  const months = Number(v.months ?? 0);
  const days = Number(v.days ?? 0);
  let micros = BigInt(String(v.micros ?? "0"));
  const sign = micros < 0n ? "-" : "";
  if (micros < 0n) micros = -micros;
  const seconds = micros / 1_000_000n;
  const frac = micros % 1_000_000n;
  const hh = String(seconds / 3600n).padStart(2, "0");
  const mm = String((seconds / 60n) % 60n).padStart(2, "0");
  const ss = String(seconds % 60n).padStart(2, "0");
  const parts: string[] = [];
  if (months !== 0) parts.push(`${months} mon${Math.abs(months) === 1 ? "" : "s"}`);
  if (days !== 0) parts.push(`${days} day${Math.abs(days) === 1 ? "" : "s"}`);
  parts.push(`${sign}${hh}:${mm}:${ss}${frac === 0n ? "" : `.${String(frac).padStart(6, "0")}`}`);
  return parts.join(" ");
}
