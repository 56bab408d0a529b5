// The Iceberg view of a Delta table's schema: field ids (the column-mapping id when the table has one, else one
// derived from the column's position, stable because Delta only appends columns), the Iceberg types, the name
// mapping readers use to find columns in Parquet files that carry no field ids, and the identity partition spec.
// Pure.
import { canonicalPartitionValue, timestampMicros } from "../table/partition-values.js";
import type { DeltaField, DeltaType, TableSchema } from "../table/schema.js";

export type IcebergType = string | Readonly<Record<string, unknown>>;

export interface IcebergField {
  readonly id: number;
  readonly name: string;
  readonly required: boolean;
  readonly type: IcebergType;
}

export interface NameMapping {
  readonly "field-id": number;
  readonly names: readonly string[];
  readonly fields?: readonly NameMapping[];
}

export interface IcebergSchemaView {
  readonly schema: {
    readonly type: "struct";
    readonly "schema-id": 0;
    readonly fields: readonly IcebergField[];
  };
  readonly nameMapping: readonly NameMapping[];
  readonly lastColumnId: number;
  /** Field id of each top-level column. */
  readonly ids: ReadonlyMap<string, number>;
}

/** Ids of nested fields of top-level column i start at (i + 1) * NESTED_STRIDE. */
const NESTED_STRIDE = 10_000;

export function icebergSchema(schema: TableSchema): IcebergSchemaView {
  let lastColumnId = 0;
  const ids = new Map<string, number>();
  const nameMapping: NameMapping[] = [];
  const fields = schema.fields.map((f, i) => {
    const mapped = f.metadata["delta.columnMapping.id"];
    const id = typeof mapped === "number" ? mapped : i + 1;
    ids.set(f.name, id);
    let next = (i + 1) * NESTED_STRIDE;
    const nextId = () => {
      next++;
      lastColumnId = Math.max(lastColumnId, next);
      return next;
    };
    lastColumnId = Math.max(lastColumnId, id);
    const { type, mapping } = convert(f.type, nextId);
    nameMapping.push({
      "field-id": id,
      names: [physical(f)],
      ...(mapping.length > 0 ? { fields: mapping } : {}),
    });
    return { id, name: f.name, required: f.nullable === false, type };
  });
  return { schema: { type: "struct", "schema-id": 0, fields }, nameMapping, lastColumnId, ids };
}

function physical(f: DeltaField): string {
  const p = f.metadata["delta.columnMapping.physicalName"];
  return typeof p === "string" && p !== "" ? p : f.name;
}

function convert(type: DeltaType, nextId: () => number): { type: IcebergType; mapping: NameMapping[] } {
  if (typeof type === "string") return { type: primitive(type), mapping: [] };
  if (type.type === "array") {
    const id = nextId();
    const element = convert(type.elementType, nextId);
    return {
      type: { type: "list", "element-id": id, element: element.type, "element-required": !type.containsNull },
      mapping: [{ "field-id": id, names: ["element"], ...sub(element.mapping) }],
    };
  }
  if (type.type === "map") {
    const keyId = nextId();
    const valueId = nextId();
    const key = convert(type.keyType, nextId);
    const value = convert(type.valueType, nextId);
    return {
      type: {
        type: "map",
        "key-id": keyId,
        key: key.type,
        "value-id": valueId,
        value: value.type,
        "value-required": !type.valueContainsNull,
      },
      mapping: [
        { "field-id": keyId, names: ["key"], ...sub(key.mapping) },
        { "field-id": valueId, names: ["value"], ...sub(value.mapping) },
      ],
    };
  }
  const mapping: NameMapping[] = [];
  const fields = type.fields.map((f) => {
    const id = nextId();
    const inner = convert(f.type, nextId);
    mapping.push({ "field-id": id, names: [physical(f)], ...sub(inner.mapping) });
    return { id, name: f.name, required: f.nullable === false, type: inner.type };
  });
  return { type: { type: "struct", fields }, mapping };
}

function sub(mapping: readonly NameMapping[]): { fields?: readonly NameMapping[] } {
  return mapping.length > 0 ? { fields: mapping } : {};
}

function primitive(type: string): string {
  switch (type) {
    case "short":
    case "byte":
    case "integer":
      return "int";
    case "timestamp":
      return "timestamptz";
    case "timestamp_ntz":
      return "timestamp";
    default:
      return type; // string, long, float, double, boolean, binary, date, decimal(p,s)
  }
}

/** Partition field ids start here, as Iceberg's own writers number them. */
export const PARTITION_FIELD_BASE = 1000;

/** The Avro type of a partition value in a manifest, and the value itself from the Delta partition text. */
export function partitionAvro(type: DeltaType): {
  avro: unknown;
  value: (text: string | null | undefined) => unknown;
} {
  const nullable = (avro: unknown) => ["null", avro];
  switch (type) {
    case "string":
      return { avro: nullable("string"), value: (t) => canonicalPartitionValue(t, type) };
    case "long":
      return { avro: nullable("long"), value: (t) => num(canonicalPartitionValue(t, type)) };
    case "integer":
    case "short":
    case "byte":
      return { avro: nullable("int"), value: (t) => num(canonicalPartitionValue(t, type)) };
    case "boolean":
      return {
        avro: nullable("boolean"),
        value: (t) => (t === null || t === undefined || t === "" ? null : t === "true"),
      };
    case "date":
      return {
        avro: nullable({ type: "int", logicalType: "date" }),
        value: (t) =>
          t === null || t === undefined || t === ""
            ? null
            : Math.round(Date.parse(`${t}T00:00:00Z`) / 86_400_000),
      };
    case "timestamp":
    case "timestamp_ntz":
      return {
        avro: nullable({
          type: "long",
          logicalType: "timestamp-micros",
          "adjust-to-utc": type === "timestamp",
        }),
        value: (t) => {
          const micros = t === null || t === undefined || t === "" ? undefined : timestampMicros(t);
          return micros === undefined ? null : Number(micros);
        },
      };
    default:
      throw new Error(`no Iceberg partition value for Delta type ${JSON.stringify(type)}`);
  }
}

function num(text: string | null): number | null {
  return text === null ? null : Number(text);
}
