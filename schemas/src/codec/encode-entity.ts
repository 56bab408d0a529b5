// Plain producer value -> protobuf bytes of an entity, driven by the registry's descriptors.
// The plain value is the shape of the TypeScript interface (keys are the TS property names, which are the
// proto JSON names): Timestamp as Date, Int64 as bigint | number, String/Boolean as value | null, enums as
// their names, ComposedBy as an ARI string, nested interfaces as objects, arrays as arrays, `?` as absent.
// It rejects what does not fit (unknown keys, wrong types, out-of-range numbers, timestamps outside protobuf's
// range, strings with a lone UTF-16 surrogate, which UTF-8 cannot carry) with EntityValueError.
import {
  create,
  type DescField,
  type DescMessage,
  type Message,
  type MessageInitShape,
  ScalarType,
  toBinary,
} from "@bufbuild/protobuf";
import { type Any, AnySchema, timestampFromDate } from "@bufbuild/protobuf/wkt";
import { EntityValueError } from "../errors.js";
import { ENVELOPE_PACKAGE, type SchemaRegistry } from "../registry.js";
import { isAri } from "./ari.js";
import { enumNames, resolveEntity } from "./resolve-entity.js";

/** A plain entity value as encodeEntity takes it and decodeEntity returns it. */
export type PlainEntity = Record<string, unknown>;

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const ARI_TYPE = `${ENVELOPE_PACKAGE}.Ari`;
/** google.protobuf.Timestamp's range: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z, in ms. */
const TIMESTAMP_MIN_MS = -62_135_596_800_000;
const TIMESTAMP_MAX_MS = 253_402_300_799_999;
/** In a `u` regex a surrogate pair is one code point: this matches only a lone surrogate. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

function wellFormed(ctx: Ctx, path: string, v: string): string {
  if (LONE_SURROGATE.test(v))
    throw new EntityValueError(
      ctx.entity,
      path,
      "contains a lone UTF-16 surrogate, which UTF-8 cannot encode (it would be replaced silently)",
      v,
    );
  return v;
}

interface Ctx {
  readonly entity: string;
}

const fieldNames = new WeakMap<DescMessage, ReadonlySet<string>>();

function knownKeys(desc: DescMessage): ReadonlySet<string> {
  let keys = fieldNames.get(desc);
  if (keys === undefined) {
    keys = new Set(desc.fields.map((f) => f.jsonName));
    fieldNames.set(desc, keys);
  }
  return keys;
}

function scalar(ctx: Ctx, path: string, type: ScalarType, v: unknown): unknown {
  switch (type) {
    case ScalarType.STRING:
      if (typeof v === "string") return wellFormed(ctx, path, v);
      throw new EntityValueError(ctx.entity, path, "expected a string", v);
    case ScalarType.BOOL:
      if (typeof v === "boolean") return v;
      throw new EntityValueError(ctx.entity, path, "expected a boolean", v);
    case ScalarType.INT32:
      if (typeof v === "number" && Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX) return v;
      throw new EntityValueError(ctx.entity, path, "expected an Int32 (an integer in the int32 range)", v);
    case ScalarType.INT64: {
      const big =
        typeof v === "bigint" ? v : typeof v === "number" && Number.isSafeInteger(v) ? BigInt(v) : undefined;
      if (big !== undefined && big >= INT64_MIN && big <= INT64_MAX) return big;
      throw new EntityValueError(
        ctx.entity,
        path,
        "expected an Int64 (a bigint or a safe integer number)",
        v,
      );
    }
    case ScalarType.DOUBLE:
      if (typeof v === "number") return v;
      throw new EntityValueError(ctx.entity, path, "expected a Float64 (a number)", v);
    default:
      throw new EntityValueError(
        ctx.entity,
        path,
        `scalar type ${type} is not part of the manifest language`,
        v,
      );
  }
}

function enumValue(
  ctx: Ctx,
  path: string,
  field: DescField & { enum: NonNullable<DescField["enum"]> },
  v: unknown,
) {
  const names = enumNames(field.enum);
  if (typeof v === "string") {
    const n = names.byName.get(v);
    if (n !== undefined && n !== 0) return n;
  } else if (typeof v === "number" && Number.isInteger(v) && v !== 0) {
    return v;
  }
  const allowed = [...names.byName.keys()].filter((k) => k !== "UNSPECIFIED").join(", ");
  throw new EntityValueError(ctx.entity, path, `expected one of ${allowed}`, v);
}

/** One singular message-typed value: wrapper, Timestamp, Ari or a nested message. */
function messageValue(ctx: Ctx, path: string, desc: DescMessage, v: unknown, unboxWrapper: boolean): unknown {
  switch (desc.typeName) {
    case "google.protobuf.StringValue":
    case "google.protobuf.BoolValue": {
      const want = desc.typeName === "google.protobuf.StringValue" ? "string" : "boolean";
      if (typeof v !== want) throw new EntityValueError(ctx.entity, path, `expected a ${want} or null`, v);
      if (typeof v === "string") wellFormed(ctx, path, v);
      return unboxWrapper ? v : { value: v };
    }
    case "google.protobuf.Timestamp":
      if (!(v instanceof Date) || Number.isNaN(v.getTime()))
        throw new EntityValueError(ctx.entity, path, "expected a valid Date", v);
      if (v.getTime() < TIMESTAMP_MIN_MS || v.getTime() > TIMESTAMP_MAX_MS)
        throw new EntityValueError(
          ctx.entity,
          path,
          "is outside the range of a protobuf Timestamp (years 0001 to 9999)",
          v,
        );
      return timestampFromDate(v);
    case ARI_TYPE:
      if (typeof v === "string" && isAri(v)) return { value: wellFormed(ctx, path, v) };
      throw new EntityValueError(
        ctx.entity,
        path,
        "expected an ARI string ari:cloud:<product>:<ws>:<type>/<id>",
        v,
      );
    default:
      if (typeof v !== "object" || v === null || Array.isArray(v) || v instanceof Date) {
        throw new EntityValueError(ctx.entity, path, `expected an object (${desc.name})`, v);
      }
      return toInit(ctx, `${path}.`, desc, v as PlainEntity);
  }
}

function toInit(ctx: Ctx, prefix: string, desc: DescMessage, value: PlainEntity): Record<string, unknown> {
  const keys = knownKeys(desc);
  for (const k of Object.keys(value)) {
    if (!keys.has(k) && value[k] !== undefined) {
      throw new EntityValueError(
        ctx.entity,
        `${prefix}${k}`,
        `unknown field (known: ${[...keys].join(", ")})`,
        value[k],
      );
    }
  }
  const init: Record<string, unknown> = {};
  for (const field of desc.fields) {
    const path = `${prefix}${field.jsonName}`;
    const v = value[field.jsonName];
    if (field.fieldKind === "list") {
      if (v === undefined) continue;
      if (!Array.isArray(v)) throw new EntityValueError(ctx.entity, path, "expected an array", v);
      init[field.localName] = v.map((item, i) => {
        const p = `${path}[${i}]`;
        if (field.listKind === "scalar") return scalar(ctx, p, field.scalar, item);
        if (field.listKind === "enum") return enumValue(ctx, p, field, item);
        return messageValue(ctx, p, field.message, item, false);
      });
      continue;
    }
    if (v === undefined) {
      if (field.proto.proto3Optional) continue;
      throw new EntityValueError(ctx.entity, path, "missing (mark the field `?` to make it optional)", v);
    }
    if (field.fieldKind === "scalar") init[field.localName] = scalar(ctx, path, field.scalar, v);
    else if (field.fieldKind === "enum") init[field.localName] = enumValue(ctx, path, field, v);
    else if (field.fieldKind === "message") {
      if (v === null) {
        if (
          field.message.typeName === "google.protobuf.StringValue" ||
          field.message.typeName === "google.protobuf.BoolValue"
        )
          continue;
        throw new EntityValueError(ctx.entity, path, "null is only allowed for String and Boolean fields", v);
      }
      init[field.localName] = messageValue(ctx, path, field.message, v, true);
    }
  }
  return init;
}

/** The protobuf-es message of an entity from its plain value. */
export function toEntityMessage(registry: SchemaRegistry, nameOrTypeUrl: string, value: object): Message {
  const { info, desc } = resolveEntity(registry, nameOrTypeUrl);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new EntityValueError(info.name, "(value)", "expected an object", value);
  }
  const init = toInit({ entity: info.name }, "", desc, value as PlainEntity);
  return create(desc, init as MessageInitShape<DescMessage>);
}

/** Protobuf bytes of an entity from its plain value. Throws EntityValueError, UnknownEntityError. */
export function encodeEntity(registry: SchemaRegistry, nameOrTypeUrl: string, value: object): Uint8Array {
  const message = toEntityMessage(registry, nameOrTypeUrl, value);
  return toBinary(registry.message(message.$typeName), message);
}

/** A google.protobuf.Any holding the entity, as FacsimileRecord.entity carries it. */
export function encodeEntityAny(registry: SchemaRegistry, nameOrTypeUrl: string, value: object): Any {
  const { info } = resolveEntity(registry, nameOrTypeUrl);
  return create(AnySchema, { typeUrl: info.typeUrl, value: encodeEntity(registry, info.name, value) });
}
