// Delta `add.stats` from DuckDB's RETURN_STATS of a COPY: numRecords, and per top-level column minValues,
// maxValues (where Delta readers compare them the way Parquet does) and nullCount. Pure. Min/max are bounds:
// DuckDB truncates long strings (the max rounded up), we round timestamps outward to milliseconds; columns
// whose bounds we cannot state exactly (floats' NaN, decimals, booleans, nested) get no min/max at all.
import type { DeltaType, TableSchema } from "../table/schema.js";

/** RETURN_STATS' column_statistics in its JSON form: [{ key: '"col"', value: [{ key: "min", value }] }]. */
export type ColumnStatistics = readonly {
  readonly key: string;
  readonly value: readonly { key: string; value: string | null }[];
}[];

export function deltaStats(
  numRecords: number,
  statistics: ColumnStatistics | null,
  schema: TableSchema,
  partitionColumns: readonly string[],
): string {
  const byColumn = new Map<string, Map<string, string | null>>();
  for (const entry of statistics ?? []) {
    const name = unquote(entry.key);
    if (name !== undefined) byColumn.set(name, new Map(entry.value.map((kv) => [kv.key, kv.value])));
  }
  const min: string[] = [];
  const max: string[] = [];
  const nulls: string[] = [];
  for (const field of schema.fields) {
    if (partitionColumns.includes(field.name)) continue;
    const s = byColumn.get(field.name);
    if (s === undefined) continue;
    const key = JSON.stringify(field.name);
    const nullCount = s.get("null_count");
    if (nullCount != null && /^\d+$/.test(nullCount) && typeof field.type === "string")
      nulls.push(`${key}:${nullCount}`);
    const lo = s.get("min");
    const hi = s.get("max");
    if (lo == null || hi == null) continue;
    const lower = bound(field.type, lo, "min");
    const upper = bound(field.type, hi, "max");
    if (lower === undefined || upper === undefined) continue;
    min.push(`${key}:${lower}`);
    max.push(`${key}:${upper}`);
  }
  return `{"numRecords":${numRecords},"minValues":{${min.join(",")}},"maxValues":{${max.join(",")}},"nullCount":{${nulls.join(",")}}}`;
}

/** The JSON text of one bound, or undefined when it cannot be stated safely. */
function bound(type: DeltaType, text: string, side: "min" | "max"): string | undefined {
  switch (type) {
    case "long":
    case "integer":
    case "short":
    case "byte":
      // Raw digits: a long keeps all 64 bits (JS numbers would not).
      return /^-?\d+$/.test(text) ? text : undefined;
    case "double":
    case "float": {
      const n = Number(text);
      return Number.isFinite(n) ? JSON.stringify(n) : undefined;
    }
    case "string":
      return JSON.stringify(text);
    case "date":
      return /^\d{4}-\d{2}-\d{2}$/.test(text) ? JSON.stringify(text) : undefined;
    case "timestamp": {
      const micros = parseTimestampMicros(text);
      if (micros === undefined) return undefined;
      const ms = side === "min" ? Math.floor(micros / 1000) : Math.ceil(micros / 1000);
      const d = new Date(ms);
      return Number.isNaN(d.getTime()) ? undefined : JSON.stringify(d.toISOString());
    }
    default:
      return undefined;
  }
}

const TS =
  /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(?:([+-])(\d{2})(?::?(\d{2}))?(?::(\d{2}))?|Z)?$/;

/** Microseconds since the epoch of DuckDB's TIMESTAMPTZ text ("2024-01-02 03:04:05.123456+00"). */
export function parseTimestampMicros(text: string): number | undefined {
  const m = TS.exec(text);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s, frac, sign, oh, om, os] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(ms)) return undefined;
  const offset =
    sign === undefined
      ? 0
      : (sign === "-" ? -1 : 1) * (Number(oh) * 3600 + Number(om ?? 0) * 60 + Number(os ?? 0));
  return (ms / 1000 - offset) * 1_000_000 + Number((frac ?? "").padEnd(6, "0"));
}

/** The column name of a RETURN_STATS key: '"a"' -> a; nested ('"a"."b"') -> undefined. */
function unquote(key: string): string | undefined {
  const m = /^"((?:[^"]|"")*)"$/.exec(key);
  if (m?.[1] !== undefined) return m[1].replaceAll('""', '"');
  return /^[^".]+$/.test(key) ? key : undefined;
}

/** The numRecords of a file's `add.stats`, if it has them. */
export function numRecordsOf(add: { readonly stats?: string }): number | undefined {
  if (add.stats === undefined) return undefined;
  try {
    const n = (JSON.parse(add.stats) as { numRecords?: unknown }).numRecords;
    return typeof n === "number" ? n : undefined;
  } catch {
    return undefined;
  }
}
