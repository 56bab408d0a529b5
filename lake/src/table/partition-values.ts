// Partition values as the Delta protocol serializes them ("Partition Value Serialization"), both ways, and their
// canonical text for comparison. Pure: TS for canonical keys, SQL text for DuckDB.
//
// Writing: an empty string is null; a timestamp is `YYYY-MM-DD HH:MM:SS.ffffff` in UTC; timestamp_ntz the same
// without a zone; a date `YYYY-MM-DD`; numbers, decimals and booleans as their plain text.
// Reading: the same, and what other writers put there (a timestamp as ISO 8601 with `Z` or an offset, fewer
// fraction digits, ...). Two values are the same partition when their canonical texts are equal: comparing the
// raw texts would put one partition written by two engines in two places.
import { UnsupportedTypeError } from "../errors.js";
import type { PartitionValues } from "./actions.js";
import type { DeltaType, TableSchema } from "./schema.js";

/** The Delta type of each partition column, for canonical comparison. */
export type PartitionTypes = ReadonlyMap<string, DeltaType>;

export function partitionTypesOf(schema: TableSchema, partitionColumns: readonly string[]): PartitionTypes {
  const byName = new Map(schema.fields.map((f) => [f.name, f.type]));
  return new Map(partitionColumns.flatMap((c) => (byName.has(c) ? [[c, byName.get(c) as DeltaType]] : [])));
}

const TS =
  /^(\d{4,})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?\s*(?:(Z)|([+-])(\d{2})(?::?(\d{2}))?)?$/;

/** Microseconds since the epoch of a timestamp partition value; no zone = UTC (ntz: the wall clock as is). */
export function timestampMicros(text: string): bigint | undefined {
  const m = TS.exec(text.trim());
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s, frac, , sign, oh, om] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(ms)) return undefined;
  const offset =
    sign === undefined ? 0 : (sign === "-" ? -1 : 1) * (Number(oh) * 3600 + Number(om ?? 0) * 60);
  return BigInt(ms) * 1000n - BigInt(offset) * 1_000_000n + BigInt((frac ?? "").slice(0, 6).padEnd(6, "0"));
}

/** `YYYY-MM-DD HH:MM:SS.ffffff` of microseconds since the epoch (UTC). */
export function formatTimestampMicros(micros: bigint): string {
  const ms = micros / 1000n - (micros % 1000n < 0n ? 1n : 0n);
  const frac = micros - ms * 1000n;
  const iso = new Date(Number(ms)).toISOString(); // 2024-03-10T05:00:00.500Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${iso.slice(20, 23)}${frac.toString().padStart(3, "0")}`;
}

/**
 * The canonical text of one serialized partition value: null for null or "" (the spec's null), timestamps as
 * `YYYY-MM-DD HH:MM:SS.ffffff` UTC, integers without leading zeros, booleans lower case. Unknown types and
 * values that do not parse are kept as they are.
 */
export function canonicalPartitionValue(
  value: string | null | undefined,
  type: DeltaType | undefined,
): string | null {
  if (value === null || value === undefined || value === "") return null;
  switch (type) {
    case "timestamp":
    case "timestamp_ntz": {
      const micros = timestampMicros(value);
      return micros === undefined ? value : formatTimestampMicros(micros);
    }
    case "long":
    case "integer":
    case "short":
    case "byte":
      return /^[+-]?\d+$/.test(value) ? BigInt(value).toString() : value;
    case "boolean":
      return value.toLowerCase();
    default:
      return value;
  }
}

export function canonicalPartitionValues(
  values: PartitionValues,
  partitionColumns: readonly string[],
  types: PartitionTypes,
): PartitionValues {
  return Object.fromEntries(
    partitionColumns.map((c) => [c, canonicalPartitionValue(values[c], types.get(c))]),
  );
}

/** SQL turning a typed column (expression `expr`) into its partition value text as the spec serializes it. */
export function partitionValueSql(expr: string, type: DeltaType): string {
  switch (type) {
    case "string":
      return `NULLIF(${expr}, '')`;
    case "timestamp":
      return `strftime(${expr} AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M:%S.%f')`;
    case "timestamp_ntz":
      return `strftime(${expr}, '%Y-%m-%d %H:%M:%S.%f')`;
    case "date":
      return `strftime(${expr}, '%Y-%m-%d')`;
    case "long":
    case "integer":
    case "short":
    case "byte":
    case "boolean":
    case "float":
    case "double":
      return `CAST(${expr} AS VARCHAR)`;
    default:
      if (typeof type === "string" && type.startsWith("decimal(")) return `CAST(${expr} AS VARCHAR)`;
      throw new UnsupportedTypeError(
        expr,
        typeof type === "string" ? type : type.type,
        "cannot be a partition column (binary and nested types have no partition value text we write)",
      );
  }
}

/** SQL turning a serialized partition value (a VARCHAR expression) back into the column's DuckDB type. */
export function partitionValueTypedSql(textExpr: string, type: DeltaType, duckdbType: string): string {
  const v = `NULLIF(${textExpr}, '')`;
  switch (type) {
    case "timestamp":
      // With a zone (Z or an offset) it is absolute; without one it is UTC.
      return (
        `CASE WHEN regexp_matches(${v}, '(Z|[+-]\\d\\d(:?\\d\\d)?)$') AND regexp_matches(${v}, '\\d:\\d\\d') ` +
        `THEN CAST(${v} AS TIMESTAMPTZ) ELSE CAST(${v} AS TIMESTAMP) AT TIME ZONE 'UTC' END`
      );
    case "binary":
      // "A string of escaped binary values": reading them back byte-exact is not done; refuse, never guess.
      throw new UnsupportedTypeError(
        textExpr,
        "binary",
        "is a binary partition column, which this reader does not decode",
      );
    default:
      return `CAST(${v} AS ${duckdbType})`;
  }
}

/**
 * The select list of a batch's columns in schema order with every string partition column's "" made NULL, as the
 * table will hold it (the spec's null): so a batch row and a table row of that partition compare equal.
 */
export function normalizedColumnsSql(
  schema: TableSchema,
  partitionColumns: readonly string[],
  quote: (name: string) => string,
): string {
  return schema.fields
    .map((f) =>
      partitionColumns.includes(f.name) && f.type === "string"
        ? `NULLIF(${quote(f.name)}, '') AS ${quote(f.name)}`
        : quote(f.name),
    )
    .join(", ");
}
