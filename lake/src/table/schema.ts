// The Delta table schema (the `schemaString` of metaData): types, parsing, printing and comparison. Pure; the
// mapping to and from DuckDB types lives in duckdb-types.ts.
import { InvalidTableConfigError, UnsupportedTypeError } from "../errors.js";

export type DeltaPrimitive =
  | "string"
  | "long"
  | "integer"
  | "short"
  | "byte"
  | "float"
  | "double"
  | "boolean"
  | "binary"
  | "date"
  | "timestamp"
  | "timestamp_ntz"
  | `decimal(${number},${number})`;

export interface DeltaArrayType {
  readonly type: "array";
  readonly elementType: DeltaType;
  readonly containsNull: boolean;
}

export interface DeltaMapType {
  readonly type: "map";
  readonly keyType: DeltaType;
  readonly valueType: DeltaType;
  readonly valueContainsNull: boolean;
}

export interface DeltaStructType {
  readonly type: "struct";
  readonly fields: readonly DeltaField[];
}

export type DeltaType = DeltaPrimitive | DeltaArrayType | DeltaMapType | DeltaStructType;

export interface DeltaField {
  readonly name: string;
  readonly type: DeltaType;
  readonly nullable: boolean;
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** A table schema: the top-level struct. */
export type TableSchema = DeltaStructType;

/** Characters Delta forbids in column names unless column mapping is on (it is not, at writer version 2). */
const BAD_NAME = /[ ,;{}()\n\t=]/;

/** Partition columns are limited to types whose Delta partition-value text we write and compare exactly. */
const PARTITION_TYPES: ReadonlySet<DeltaType> = new Set([
  "string",
  "timestamp",
  "long",
  "integer",
  "short",
  "byte",
  "date",
  "boolean",
]);

export function parseSchemaString(schemaString: string, table: string): TableSchema {
  let value: unknown;
  try {
    value = JSON.parse(schemaString);
  } catch (err) {
    throw new InvalidTableConfigError(table, `schemaString is not JSON: ${String(err)}`);
  }
  const t = value as Partial<DeltaStructType>;
  if (t?.type !== "struct" || !Array.isArray(t.fields))
    throw new InvalidTableConfigError(table, "schemaString is not a struct type");
  return t as TableSchema;
}

export function schemaString(schema: TableSchema): string {
  return JSON.stringify(schema);
}

export function typeText(type: DeltaType): string {
  return typeof type === "string" ? type : JSON.stringify(type);
}

export function sameType(a: DeltaType, b: DeltaType): boolean {
  if (typeof a === "string" || typeof b === "string") return a === b;
  if (a.type === "array" && b.type === "array") return sameType(a.elementType, b.elementType);
  if (a.type === "map" && b.type === "map")
    return sameType(a.keyType, b.keyType) && sameType(a.valueType, b.valueType);
  if (a.type === "struct" && b.type === "struct")
    return (
      a.fields.length === b.fields.length &&
      a.fields.every((f, i) => {
        const g = b.fields[i];
        return g !== undefined && g.name === f.name && sameType(f.type, g.type);
      })
    );
  return false;
}

/** Differences of `actual` (a batch) against `expected` (the table), one readable line each; empty = same. */
export function schemaDifferences(expected: TableSchema, actual: TableSchema): string[] {
  const out: string[] = [];
  const have = new Map(actual.fields.map((f) => [f.name, f]));
  const want = new Set(expected.fields.map((f) => f.name));
  for (const f of expected.fields) {
    const g = have.get(f.name);
    if (g === undefined) out.push(`column ${JSON.stringify(f.name)} (${typeText(f.type)}) is missing`);
    else if (!sameType(f.type, g.type))
      out.push(`column ${JSON.stringify(f.name)} is ${typeText(g.type)}, the table has ${typeText(f.type)}`);
  }
  for (const g of actual.fields)
    if (!want.has(g.name))
      out.push(`column ${JSON.stringify(g.name)} (${typeText(g.type)}) is not in the table`);
  return out;
}

/** Checks a new table's schema and partition columns; throws InvalidTableConfigError naming what is wrong. */
export function checkTableDefinition(
  table: string,
  schema: TableSchema,
  partitionColumns: readonly string[],
): void {
  if (schema.fields.length === 0)
    throw new InvalidTableConfigError(table, "a table needs at least one column");
  const seen = new Set<string>();
  for (const f of schema.fields) {
    if (holdsNtz(f.type))
      throw new UnsupportedTypeError(
        f.name,
        typeText(f.type),
        "is a timestamp without time zone (Delta timestamp_ntz needs writer 7); cast it to TIMESTAMPTZ",
      );
    if (f.name === "" || BAD_NAME.test(f.name))
      throw new InvalidTableConfigError(
        table,
        `column name ${JSON.stringify(f.name)} is empty or has one of ' ,;{}()\\n\\t=' (not allowed without column mapping)`,
      );
    const lower = f.name.toLowerCase();
    if (seen.has(lower))
      throw new InvalidTableConfigError(table, `column ${JSON.stringify(f.name)} appears twice`);
    seen.add(lower);
  }
  const byName = new Map(schema.fields.map((f) => [f.name, f]));
  if (new Set(partitionColumns).size !== partitionColumns.length)
    throw new InvalidTableConfigError(table, `partition columns repeat: ${JSON.stringify(partitionColumns)}`);
  for (const p of partitionColumns) {
    const f = byName.get(p);
    if (f === undefined)
      throw new InvalidTableConfigError(
        table,
        `partition column ${JSON.stringify(p)} is not a column of the table`,
      );
    if (!PARTITION_TYPES.has(f.type))
      throw new InvalidTableConfigError(
        table,
        `partition column ${JSON.stringify(p)} has type ${typeText(f.type)}; partition by string, integer, date, timestamp or boolean`,
      );
  }
  if (partitionColumns.length === schema.fields.length)
    throw new InvalidTableConfigError(
      table,
      "every column is a partition column: the data files would be empty",
    );
}

/** Whether a type is or contains timestamp_ntz (a table feature new tables do not declare). */
function holdsNtz(type: DeltaType): boolean {
  if (typeof type === "string") return type === "timestamp_ntz";
  if (type.type === "array") return holdsNtz(type.elementType);
  if (type.type === "map") return holdsNtz(type.keyType) || holdsNtz(type.valueType);
  return type.fields.some((f) => holdsNtz(f.type));
}
