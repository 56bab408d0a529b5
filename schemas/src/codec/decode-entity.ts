// Protobuf bytes of an entity -> its plain value (the inverse of encodeEntity): keys are the TS property
// names; Int64 comes back as bigint, Timestamp as Date (millisecond precision), String/Boolean as value or
// null, enums as names (an unknown number stays a number), ComposedBy as the ARI string, absent optional
// fields are left out, and an absent non-optional message (Timestamp, ComposedBy, nested) is null.
import { type DescField, type DescMessage, fromBinary, type Message } from "@bufbuild/protobuf";
import { type Timestamp, timestampDate } from "@bufbuild/protobuf/wkt";
import { ENVELOPE_PACKAGE, type SchemaRegistry } from "../registry.js";
import type { PlainEntity } from "./encode-entity.js";
import { enumNames, resolveEntity } from "./resolve-entity.js";

const ARI_TYPE = `${ENVELOPE_PACKAGE}.Ari`;

function enumPlain(field: DescField & { enum: NonNullable<DescField["enum"]> }, n: number): string | number {
  return enumNames(field.enum).byNumber.get(n) ?? n;
}

/** A message-typed value as protobuf-es holds it (wrappers already unboxed for singular fields). */
function messagePlain(desc: DescMessage, v: unknown): unknown {
  switch (desc.typeName) {
    case "google.protobuf.StringValue":
    case "google.protobuf.BoolValue":
      return typeof v === "object" && v !== null ? (v as { value: unknown }).value : v;
    case "google.protobuf.Timestamp":
      return timestampDate(v as Timestamp);
    case ARI_TYPE:
      return (v as { value: string }).value;
    default:
      return fromMessage(desc, v as Record<string, unknown>);
  }
}

function fromMessage(desc: DescMessage, msg: Record<string, unknown>): PlainEntity {
  const out: PlainEntity = {};
  for (const field of desc.fields) {
    const v = msg[field.localName];
    if (field.fieldKind === "list") {
      const list = (v ?? []) as unknown[];
      out[field.jsonName] =
        field.listKind === "scalar"
          ? [...list]
          : field.listKind === "enum"
            ? list.map((n) => enumPlain(field, n as number))
            : list.map((item) => messagePlain(field.message, item));
      continue;
    }
    if (v === undefined) {
      if (field.proto.proto3Optional) continue;
      if (field.fieldKind === "message") out[field.jsonName] = null;
      continue;
    }
    if (field.fieldKind === "scalar") out[field.jsonName] = v;
    else if (field.fieldKind === "enum") out[field.jsonName] = enumPlain(field, v as number);
    else if (field.fieldKind === "message") out[field.jsonName] = messagePlain(field.message, v);
  }
  return out;
}

/** The plain value of a decoded protobuf-es entity message. */
export function fromEntityMessage(registry: SchemaRegistry, message: Message): PlainEntity {
  return fromMessage(registry.message(message.$typeName), message as unknown as Record<string, unknown>);
}

/** Decodes entity bytes by entity name, type url or message name. Throws UnknownEntityError. */
export function decodeEntity(
  registry: SchemaRegistry,
  nameOrTypeUrl: string,
  bytes: Uint8Array,
): PlainEntity {
  const { desc } = resolveEntity(registry, nameOrTypeUrl);
  return fromMessage(desc, fromBinary(desc, bytes) as unknown as Record<string, unknown>);
}
