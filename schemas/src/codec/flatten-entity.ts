// Entity bytes -> one flat row, the column shape the seed's raw tables use: proto field names; a String or
// ComposedBy field `x` becomes `x_value`; a Timestamp `x` becomes `x_seconds` (bigint) and `x_nanos`;
// a nested message `x` becomes `x_<its columns>`; enums become their names; an absent optional field or
// message becomes null in every column. Repeated fields stay one column holding a list (nested messages
// as lists of flat rows), for writers that explode them (MergeExploded).
import { type DescField, type DescMessage, fromBinary, ScalarType } from "@bufbuild/protobuf";
import { ENVELOPE_PACKAGE, type SchemaRegistry } from "../registry.js";
import { entityMessageCertainlyValid } from "./check-entity-message.js";
import { enumNames, resolveEntity } from "./resolve-entity.js";

export type FlatScalar = string | number | bigint | boolean | null;
export type FlatValue = FlatScalar | readonly FlatScalar[] | readonly FlatRow[];
export interface FlatRow {
  readonly [column: string]: FlatValue;
}

export type ScalarColumnType = "string" | "boolean" | "int32" | "int64" | "float64";
export type ColumnType =
  | ScalarColumnType
  | { readonly list: ScalarColumnType }
  | { readonly list: "row"; readonly columns: readonly RowColumn[] };
export interface RowColumn {
  readonly name: string;
  readonly type: ColumnType;
}

const ARI_TYPE = `${ENVELOPE_PACKAGE}.Ari`;
const SCALAR_COLUMN: Partial<Record<ScalarType, ScalarColumnType>> = {
  [ScalarType.STRING]: "string",
  [ScalarType.BOOL]: "boolean",
  [ScalarType.INT32]: "int32",
  [ScalarType.INT64]: "int64",
  [ScalarType.DOUBLE]: "float64",
};

function scalarColumn(t: ScalarType): ScalarColumnType {
  const c = SCALAR_COLUMN[t];
  if (c === undefined) throw new Error(`scalar type ${t} is not part of the manifest language`);
  return c;
}

/** The columns of one singular message-typed field named `name`. */
function messageColumns(name: string, desc: DescMessage): RowColumn[] {
  switch (desc.typeName) {
    case "google.protobuf.StringValue":
    case ARI_TYPE:
      return [{ name: `${name}_value`, type: "string" }];
    case "google.protobuf.BoolValue":
      return [{ name: `${name}_value`, type: "boolean" }];
    case "google.protobuf.Timestamp":
      return [
        { name: `${name}_seconds`, type: "int64" },
        { name: `${name}_nanos`, type: "int32" },
      ];
    default:
      return columnsOf(desc).map((c) => ({ name: `${name}_${c.name}`, type: c.type }));
  }
}

function fieldColumns(field: DescField): RowColumn[] {
  if (field.fieldKind === "scalar") return [{ name: field.name, type: scalarColumn(field.scalar) }];
  if (field.fieldKind === "enum") return [{ name: field.name, type: "string" }];
  if (field.fieldKind === "message") return messageColumns(field.name, field.message);
  if (field.fieldKind === "list") {
    if (field.listKind === "scalar")
      return [{ name: field.name, type: { list: scalarColumn(field.scalar) } }];
    if (field.listKind === "enum") return [{ name: field.name, type: { list: "string" } }];
    const inner = messageColumns("v", field.message);
    if (
      inner.length === 1 &&
      inner[0] !== undefined &&
      field.message.typeName !== "google.protobuf.Timestamp"
    ) {
      const t = inner[0].type;
      if (typeof t === "string") return [{ name: field.name, type: { list: t } }];
    }
    const columns =
      field.message.typeName === "google.protobuf.Timestamp"
        ? [
            { name: "seconds", type: "int64" as const },
            { name: "nanos", type: "int32" as const },
          ]
        : columnsOf(field.message);
    return [{ name: field.name, type: { list: "row", columns } }];
  }
  return [];
}

function columnsOf(desc: DescMessage): RowColumn[] {
  return desc.fields.flatMap(fieldColumns);
}

/** The flat columns of an entity, in field declaration order. */
export function entityColumns(registry: SchemaRegistry, nameOrTypeUrl: string): RowColumn[] {
  return columnsOf(resolveEntity(registry, nameOrTypeUrl).desc);
}

type Row = Record<string, FlatValue>;

function putMessage(row: Row, name: string, desc: DescMessage, v: unknown): void {
  switch (desc.typeName) {
    case "google.protobuf.StringValue":
    case "google.protobuf.BoolValue":
      row[`${name}_value`] =
        v === undefined
          ? null
          : typeof v === "object" && v !== null
            ? (v as { value: FlatScalar }).value
            : (v as FlatScalar);
      return;
    case ARI_TYPE:
      row[`${name}_value`] = v === undefined ? null : (v as { value: string }).value;
      return;
    case "google.protobuf.Timestamp": {
      const t = v as { seconds: bigint; nanos: number } | undefined;
      row[`${name}_seconds`] = t === undefined ? null : t.seconds;
      row[`${name}_nanos`] = t === undefined ? null : t.nanos;
      return;
    }
    default: {
      const inner = flatten(desc, v as Record<string, unknown> | undefined);
      for (const [k, value] of Object.entries(inner)) row[`${name}_${k}`] = value;
    }
  }
}

function listItem(field: DescField & { fieldKind: "list" }, item: unknown): FlatScalar | FlatRow {
  if (field.listKind === "scalar") return item as FlatScalar;
  if (field.listKind === "enum") return enumNames(field.enum).byNumber.get(item as number) ?? String(item);
  const desc = field.message;
  if (desc.typeName === ARI_TYPE) return (item as { value: string }).value;
  if (desc.typeName === "google.protobuf.Timestamp") {
    const t = item as { seconds: bigint; nanos: number };
    return { seconds: t.seconds, nanos: t.nanos };
  }
  return flatten(desc, item as Record<string, unknown>);
}

/** `msg` undefined: an absent message, every column null. */
function flatten(desc: DescMessage, msg: Record<string, unknown> | undefined): FlatRow {
  const row: Row = {};
  for (const field of desc.fields) {
    const v = msg?.[field.localName];
    if (field.fieldKind === "list") {
      row[field.name] = ((v ?? []) as unknown[]).map((item) => listItem(field, item)) as
        | FlatScalar[]
        | FlatRow[];
    } else if (field.fieldKind === "scalar") {
      row[field.name] = v === undefined ? null : (v as FlatScalar);
    } else if (field.fieldKind === "enum") {
      row[field.name] =
        v === undefined ? null : (enumNames(field.enum).byNumber.get(v as number) ?? String(v));
    } else if (field.fieldKind === "message") {
      putMessage(row, field.name, field.message, v);
    }
  }
  return row;
}

/** Decodes entity bytes straight into a flat row (see the module comment for the column shape). */
export function decodeEntityRow(registry: SchemaRegistry, nameOrTypeUrl: string, bytes: Uint8Array): FlatRow {
  const { desc } = resolveEntity(registry, nameOrTypeUrl);
  return flatten(desc, fromBinary(desc, bytes) as unknown as Record<string, unknown>);
}

/**
 * decodeEntityRow() plus, from the same decoded message, whether the entity certainly passes the encoder's rules
 * (see check-entity-message.ts); when not certain, the caller runs the full check for the verdict.
 */
export function decodeEntityRowChecked(
  registry: SchemaRegistry,
  nameOrTypeUrl: string,
  bytes: Uint8Array,
): { readonly row: FlatRow; readonly certainlyValid: boolean } {
  const { desc } = resolveEntity(registry, nameOrTypeUrl);
  const msg = fromBinary(desc, bytes) as unknown as Record<string, unknown>;
  return { row: flatten(desc, msg), certainlyValid: entityMessageCertainlyValid(desc, msg) };
}
