// The mapping between DuckDB types and Delta types. DuckDB -> Delta refuses what protocol 1/2 cannot hold (naive
// TIMESTAMP is timestamp_ntz, a table feature; unsigned and 128-bit integers; UUID; unions; ...) with a hint.
import { type DuckDBType, DuckDBTypeId } from "@duckdb/node-api";
import { UnsupportedTypeError } from "../errors.js";
import { quoteIdent } from "../io/sql-text.js";
import type { DeltaField, DeltaType, TableSchema } from "./schema.js";

export function deltaTypeOf(column: string, type: DuckDBType): DeltaType {
  switch (type.typeId) {
    case DuckDBTypeId.VARCHAR:
      return "string";
    case DuckDBTypeId.BIGINT:
      return "long";
    case DuckDBTypeId.INTEGER:
      return "integer";
    case DuckDBTypeId.SMALLINT:
      return "short";
    case DuckDBTypeId.TINYINT:
      return "byte";
    case DuckDBTypeId.DOUBLE:
      return "double";
    case DuckDBTypeId.FLOAT:
      return "float";
    case DuckDBTypeId.BOOLEAN:
      return "boolean";
    case DuckDBTypeId.BLOB:
      return "binary";
    case DuckDBTypeId.DATE:
      return "date";
    case DuckDBTypeId.TIMESTAMP_TZ:
      return "timestamp";
    case DuckDBTypeId.DECIMAL:
      if (type.width > 38) break;
      return `decimal(${type.width},${type.scale})`;
    case DuckDBTypeId.LIST:
      return { type: "array", elementType: deltaTypeOf(`${column}[]`, type.valueType), containsNull: true };
    case DuckDBTypeId.MAP:
      return {
        type: "map",
        keyType: deltaTypeOf(`${column}.key`, type.keyType),
        valueType: deltaTypeOf(`${column}.value`, type.valueType),
        valueContainsNull: true,
      };
    case DuckDBTypeId.STRUCT:
      return {
        type: "struct",
        fields: type.entryNames.map((name, i) =>
          field(name, deltaTypeOf(`${column}.${name}`, type.entryTypes[i] as DuckDBType)),
        ),
      };
    case DuckDBTypeId.TIMESTAMP:
      // Only tables that declare the timestampNtz feature hold it; checkTableDefinition refuses it for new ones.
      return "timestamp_ntz";
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_NS:
    case DuckDBTypeId.TIMESTAMP_S:
      throw new UnsupportedTypeError(
        column,
        type.toString(),
        "is a timestamp without time zone (Delta timestamp_ntz needs writer 7); cast it to TIMESTAMPTZ",
      );
    default:
      break;
  }
  throw new UnsupportedTypeError(
    column,
    type.toString(),
    "Delta protocol 1/2 cannot hold; use VARCHAR, BIGINT, INTEGER, SMALLINT, TINYINT, DOUBLE, FLOAT, BOOLEAN, BLOB, " +
      "DATE, TIMESTAMPTZ, DECIMAL(p<=38,s), lists, maps or structs of these",
  );
}

/** The DuckDB SQL type text of a Delta type: used to cast partition values and to type rows from JS. */
export function duckdbTypeOf(type: DeltaType): string {
  if (typeof type === "string") {
    switch (type) {
      case "string":
        return "VARCHAR";
      case "long":
        return "BIGINT";
      case "integer":
        return "INTEGER";
      case "short":
        return "SMALLINT";
      case "byte":
        return "TINYINT";
      case "float":
        return "FLOAT";
      case "double":
        return "DOUBLE";
      case "boolean":
        return "BOOLEAN";
      case "binary":
        return "BLOB";
      case "date":
        return "DATE";
      case "timestamp":
        return "TIMESTAMPTZ";
      case "timestamp_ntz":
        return "TIMESTAMP";
      default: {
        const m = /^decimal\((\d+),\s*(\d+)\)$/.exec(type);
        if (m !== null) return `DECIMAL(${m[1]}, ${m[2]})`;
        throw new UnsupportedTypeError("?", type, "is not a Delta type we read");
      }
    }
  }
  switch (type.type) {
    case "array":
      return `${duckdbTypeOf(type.elementType)}[]`;
    case "map":
      return `MAP(${duckdbTypeOf(type.keyType)}, ${duckdbTypeOf(type.valueType)})`;
    case "struct":
      return `STRUCT(${type.fields.map((f) => `${quoteIdent(f.name)} ${duckdbTypeOf(f.type)}`).join(", ")})`;
  }
}

/** A Delta schema from a DuckDB result's column names and types. */
export function schemaOfColumns(names: readonly string[], types: readonly DuckDBType[]): TableSchema {
  return { type: "struct", fields: names.map((n, i) => field(n, deltaTypeOf(n, types[i] as DuckDBType))) };
}

function field(name: string, type: DeltaType): DeltaField {
  return { name, type, nullable: true, metadata: {} };
}
