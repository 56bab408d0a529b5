// JSON text of list column values (repeated fields), for the loader's staging table: DuckDB's from_json turns the
// text into the column's LIST type in one set-based statement. A serializer is built once per column type and
// checks every value on the way (int64 travels as a JSON string, so no precision is lost; non-finite doubles as
// "NaN"/"Infinity", which DuckDB casts back). Pure functions.
import type { ColumnType, ScalarColumnType } from "@facsimile/schemas";

/** Why a value does not fit, and where inside it (`[0].field_id`). */
export class ListValueError {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {}
  within(prefix: string): ListValueError {
    return new ListValueError(prefix + this.path, this.reason);
  }
}

/** Value -> JSON text, or what is wrong with it. */
export type JsonSerializer = (v: unknown) => string | ListValueError;

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

export const describeValue = (v: unknown): string =>
  typeof v === "bigint" ? `${v}n` : typeof v === "string" ? JSON.stringify(v) : `${typeof v} ${String(v)}`;

const wrong = (what: string, v: unknown) =>
  new ListValueError("", `expected ${what}, got ${describeValue(v)}`);

const SCALARS: Readonly<Record<ScalarColumnType, JsonSerializer>> = {
  string: (v) => (v == null ? "null" : typeof v === "string" ? JSON.stringify(v) : wrong("a string", v)),
  boolean: (v) => (v == null ? "null" : typeof v === "boolean" ? String(v) : wrong("a boolean", v)),
  int32: (v) =>
    v == null
      ? "null"
      : typeof v === "number" && Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX
        ? String(v)
        : wrong("an int32", v),
  int64: (v) => {
    if (v == null) return "null";
    const big =
      typeof v === "bigint" ? v : typeof v === "number" && Number.isSafeInteger(v) ? BigInt(v) : undefined;
    return big !== undefined && big >= INT64_MIN && big <= INT64_MAX ? `"${big}"` : wrong("an int64", v);
  },
  float64: (v) =>
    v == null
      ? "null"
      : typeof v !== "number"
        ? wrong("a number", v)
        : Number.isFinite(v)
          ? String(v)
          : `"${v}"`,
};

const SQL_TYPE: Readonly<Record<ScalarColumnType, string>> = {
  string: "VARCHAR",
  boolean: "BOOLEAN",
  int32: "INTEGER",
  int64: "BIGINT",
  float64: "DOUBLE",
};

/** The from_json structure of a column type: `["VARCHAR"]`, `[{"field_id":"VARCHAR",...}]`. */
export function listJsonStructure(type: ColumnType): string {
  if (typeof type === "string") return JSON.stringify(SQL_TYPE[type]);
  if (type.list === "row")
    return `[{${type.columns.map((c) => `${JSON.stringify(c.name)}:${listJsonStructure(c.type)}`).join(",")}}]`;
  return `[${JSON.stringify(SQL_TYPE[type.list])}]`;
}

function rowSerializer(columns: readonly { name: string; type: ColumnType }[]): JsonSerializer {
  const fields = columns.map((c, i) => ({
    name: c.name,
    key: `${i === 0 ? "" : ","}${JSON.stringify(c.name)}:`,
    serialize: listJsonSerializer(c.type),
  }));
  return (item) => {
    if (item === null || typeof item !== "object" || Array.isArray(item)) return wrong("a row object", item);
    let out = "{";
    for (const f of fields) {
      const text = f.serialize((item as Record<string, unknown>)[f.name]);
      if (text instanceof ListValueError) return text.within(`.${f.name}`);
      out += f.key + text;
    }
    return `${out}}`;
  };
}

/** The serializer of a column type (built once per column, then called per value). */
export function listJsonSerializer(type: ColumnType): JsonSerializer {
  if (typeof type === "string") return SCALARS[type];
  const element = type.list === "row" ? rowSerializer(type.columns) : SCALARS[type.list];
  return (v) => {
    if (v == null) return "null";
    if (!Array.isArray(v)) return wrong("an array", v);
    let out = "[";
    for (let i = 0; i < v.length; i++) {
      const text = element(v[i]);
      if (text instanceof ListValueError) return text.within(`[${i}]`);
      out += i === 0 ? text : `,${text}`;
    }
    return `${out}]`;
  };
}
