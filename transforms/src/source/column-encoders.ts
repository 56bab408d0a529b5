// Per-column encoders of the source loader: check one value against the column's type and turn it into what the
// DuckDB appender takes, into a staging table. Most scalars are appended as they are; list columns (repeated
// fields) are staged as JSON text and timestamps as epoch microseconds, and one set-based INSERT converts them
// (from_json, make_timestamptz), because the appender's list and TIMESTAMPTZ paths build a generic value per
// call and are several times slower than the whole rest of the row. Never touches a connection.
import { type DuckDBAppender, DuckDBDateValue } from "@duckdb/node-api";
import type { ColumnType } from "@facsimile/schemas";
import { sqlString } from "../names.js";
import {
  describeValue as describe,
  ListValueError,
  listJsonSerializer,
  listJsonStructure,
} from "./list-json.js";

/** A value that does not fit its column; the loader rejects the record with this reason. */
export class Invalid {
  constructor(readonly reason: string) {}
}

export interface ColumnEncoder {
  /** Type of the column in the staging table (VARCHAR for JSON-staged lists). */
  readonly stagingType: string;
  /** The value converted for append(), or Invalid. null and undefined become null (NOT NULL is the loader's). */
  prepare(value: unknown): unknown;
  /** Appends a prepared value (or null). */
  append(appender: DuckDBAppender, prepared: unknown): void;
  /** SQL turning the staged column `ref` into the source column's type; undefined: copied as is. */
  readonly finish?: (ref: string) => string;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const MS_PER_DAY = 86_400_000;

function toInt64(v: unknown): bigint | Invalid {
  const big =
    typeof v === "bigint" ? v : typeof v === "number" && Number.isSafeInteger(v) ? BigInt(v) : undefined;
  if (big === undefined || big < INT64_MIN || big > INT64_MAX)
    return new Invalid(`expected an int64 (bigint or safe integer), got ${describe(v)}`);
  return big;
}

function scalarEncoder<T>(
  type: string,
  convert: (v: unknown) => T | Invalid,
  write: (a: DuckDBAppender, v: T) => void,
): ColumnEncoder {
  return {
    stagingType: type,
    prepare: (v) => (v === null || v === undefined ? null : convert(v)),
    append: (a, v) => (v === null ? a.appendNull() : write(a, v as T)),
  };
}

const ENCODERS: Readonly<Record<string, ColumnEncoder>> = {
  VARCHAR: scalarEncoder(
    "VARCHAR",
    (v) => (typeof v === "string" ? v : new Invalid(`expected a string, got ${describe(v)}`)),
    (a, v: string) => a.appendVarchar(v),
  ),
  BOOLEAN: scalarEncoder(
    "BOOLEAN",
    (v) => (typeof v === "boolean" ? v : new Invalid(`expected a boolean, got ${describe(v)}`)),
    (a, v: boolean) => a.appendBoolean(v),
  ),
  INTEGER: scalarEncoder(
    "INTEGER",
    (v) =>
      typeof v === "number" && Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX
        ? v
        : new Invalid(`expected an int32, got ${describe(v)}`),
    (a, v: number) => a.appendInteger(v),
  ),
  BIGINT: scalarEncoder("BIGINT", toInt64, (a, v: bigint) => a.appendBigInt(v)),
  DOUBLE: scalarEncoder(
    "DOUBLE",
    (v) => (typeof v === "number" ? v : new Invalid(`expected a number, got ${describe(v)}`)),
    (a, v: number) => a.appendDouble(v),
  ),
  // Staged as microseconds: the appender's TIMESTAMPTZ path builds a generic value per call, several times slower.
  TIMESTAMPTZ: {
    ...scalarEncoder(
      "BIGINT",
      (v) =>
        v instanceof Date && !Number.isNaN(v.getTime())
          ? BigInt(v.getTime()) * 1000n
          : new Invalid(`expected a valid Date, got ${describe(v)}`),
      (a, v: bigint) => a.appendBigInt(v),
    ),
    finish: (ref) => `make_timestamptz(${ref})`,
  },
  DATE: scalarEncoder(
    "DATE",
    (v) =>
      v instanceof Date && !Number.isNaN(v.getTime())
        ? new DuckDBDateValue(Math.floor(v.getTime() / MS_PER_DAY))
        : new Invalid(`expected a valid Date, got ${describe(v)}`),
    (a, v: DuckDBDateValue) => a.appendDate(v),
  ),
};

/** The encoder of a column: by its flat type for entity columns, else by its DuckDB type. */
export function columnEncoder(name: string, duckdbType: string, columnType?: ColumnType): ColumnEncoder {
  if (columnType !== undefined && typeof columnType !== "string") {
    const structure = sqlString(listJsonStructure(columnType));
    const serialize = listJsonSerializer(columnType);
    return {
      stagingType: "VARCHAR",
      prepare: (v) => {
        const text = serialize(v);
        if (text instanceof ListValueError) return new Invalid(`${name}${text.path}: ${text.reason}`);
        return text === "null" ? null : text;
      },
      append: (a, v) => (v === null ? a.appendNull() : a.appendVarchar(v as string)),
      finish: (ref) => `from_json(${ref}, ${structure})`,
    };
  }
  const encoder = ENCODERS[duckdbType];
  if (encoder === undefined)
    throw new Error(`no source encoder for DuckDB type ${duckdbType} (column ${name})`);
  return encoder;
}
