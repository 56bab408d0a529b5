// Plain producer value -> protobuf bytes of an entity in two passes over the value, with no intermediate
// messages: sizeEntity checks the value (the same rules and errors as encodeEntity) and measures it, keeping
// the lengths of strings and nested messages; the result writes itself into any buffer at any offset, so that
// the envelope around it is written into the same single buffer. The bytes are exactly encodeEntity's
// (protobuf-es toBinary: fields by number, proto3 zero values omitted, numeric lists packed); size-entity.test.ts
// proves it on random values. Each message's field plan is compiled once per descriptor.
import { type DescField, type DescMessage, ScalarType } from "@bufbuild/protobuf";
import { ENVELOPE_PACKAGE, type SchemaRegistry } from "../registry.js";
import { EntityValueError } from "../schema-errors.js";
import { isAri } from "./ari.js";
import { encodeEntity } from "./encode-entity.js";
import { enumNames, resolveEntity } from "./resolve-entity.js";
import {
  asBuffer,
  int32Size,
  int64Size,
  utf8Length,
  varintSize,
  writeDouble,
  writeInt32,
  writeInt64,
  writeUtf8,
  writeVarint,
} from "./wire-writer.js";

/** An entity measured by sizeEntity: its exact byte length, and a writer of those bytes. */
export interface SizedEntity {
  readonly byteLength: number;
  /** Writes the entity bytes at `offset`; returns the offset after them. */
  writeInto(target: Uint8Array, offset: number): number;
  /** The entity bytes in a buffer of their own. */
  toBytes(): Uint8Array;
}

/** Lengths found by the measuring pass, read back in the same order by the writing pass. */
interface Lengths {
  readonly list: number[];
  next: number;
}

/** One value of a field, without its tag: `measure` checks it and returns its bytes (length prefix included). */
interface ValueCodec {
  measure(v: unknown, path: string, lengths: Lengths): number;
  write(b: Buffer, pos: number, v: unknown, lengths: Lengths): number;
}

interface FieldPlan {
  readonly key: string;
  measure(obj: Readonly<Record<string, unknown>>, prefix: string, lengths: Lengths): number;
  write(b: Buffer, pos: number, obj: Readonly<Record<string, unknown>>, lengths: Lengths): number;
}

interface MessagePlan {
  readonly entity: string;
  readonly desc: DescMessage;
  readonly keys: ReadonlySet<string>;
  readonly fields: FieldPlan[];
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const ARI_TYPE = `${ENVELOPE_PACKAGE}.Ari`;
const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_DELIMITED = 2;

const plans = new WeakMap<DescMessage, Map<string, MessagePlan>>();

function fail(entity: string, path: string, problem: string, v: unknown): never {
  throw new EntityValueError(entity, path, problem, v);
}

function isObject(v: unknown): v is Readonly<Record<string, unknown>> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

function stringCodec(): ValueCodec {
  return {
    measure(v, _path, lengths) {
      const n = utf8Length(v as string);
      lengths.list.push(n);
      return varintSize(n) + n;
    },
    write(b, pos, v, lengths) {
      const n = lengths.list[lengths.next++] as number;
      return writeUtf8(b, writeVarint(b, pos, n), v as string, n);
    },
  };
}

/** Checks a scalar like encodeEntity does; the codec writes it, the caller decides about zero values. */
function scalarCodec(entity: string, type: ScalarType): ValueCodec & { readonly wire: number } {
  switch (type) {
    case ScalarType.STRING: {
      const s = stringCodec();
      return {
        wire: WIRE_DELIMITED,
        measure(v, path, lengths) {
          if (typeof v !== "string") fail(entity, path, "expected a string", v);
          return s.measure(v, path, lengths);
        },
        write: s.write,
      };
    }
    case ScalarType.BOOL:
      return {
        wire: WIRE_VARINT,
        measure(v, path) {
          if (typeof v !== "boolean") fail(entity, path, "expected a boolean", v);
          return 1;
        },
        write(b, pos, v) {
          b[pos] = v === true ? 1 : 0;
          return pos + 1;
        },
      };
    case ScalarType.INT32:
      return {
        wire: WIRE_VARINT,
        measure(v, path) {
          if (typeof v !== "number" || !Number.isInteger(v) || v < INT32_MIN || v > INT32_MAX)
            fail(entity, path, "expected an Int32 (an integer in the int32 range)", v);
          return int32Size(v);
        },
        write: (b, pos, v) => writeInt32(b, pos, v as number),
      };
    case ScalarType.INT64:
      return {
        wire: WIRE_VARINT,
        measure(v, path) {
          const ok =
            typeof v === "bigint"
              ? v >= INT64_MIN && v <= INT64_MAX
              : typeof v === "number" && Number.isSafeInteger(v);
          if (!ok) fail(entity, path, "expected an Int64 (a bigint or a safe integer number)", v);
          return int64Size(v as number | bigint);
        },
        write: (b, pos, v) => writeInt64(b, pos, v as number | bigint),
      };
    case ScalarType.DOUBLE:
      return {
        wire: WIRE_FIXED64,
        measure(v, path) {
          if (typeof v !== "number") fail(entity, path, "expected a Float64 (a number)", v);
          return 8;
        },
        write: (b, pos, v) => writeDouble(b, pos, v as number),
      };
    default:
      return {
        wire: WIRE_VARINT,
        measure: (v, path) =>
          fail(entity, path, `scalar type ${type} is not part of the manifest language`, v),
        write: (_b, pos) => pos,
      };
  }
}

/** proto3 implicit presence: the zero value of a scalar is not written (protobuf-es's rule, -0 included). */
function isZero(type: ScalarType, v: unknown): boolean {
  switch (type) {
    case ScalarType.STRING:
      return v === "";
    case ScalarType.BOOL:
      return v === false;
    case ScalarType.DOUBLE:
      return Object.is(v, 0);
    default:
      return v === 0 || v === 0n;
  }
}

function enumCodec(entity: string, field: DescField & { enum: NonNullable<DescField["enum"]> }): ValueCodec {
  const names = enumNames(field.enum);
  const numberOf = (v: unknown): number | undefined => {
    if (typeof v === "string") {
      const n = names.byName.get(v);
      return n !== undefined && n !== 0 ? n : undefined;
    }
    return typeof v === "number" && Number.isInteger(v) && v !== 0 ? v : undefined;
  };
  return {
    measure(v, path) {
      const n = numberOf(v);
      if (n === undefined) {
        const allowed = [...names.byName.keys()].filter((k) => k !== "UNSPECIFIED").join(", ");
        fail(entity, path, `expected one of ${allowed}`, v);
      }
      return int32Size(n);
    },
    write: (b, pos, v) => writeInt32(b, pos, numberOf(v) as number),
  };
}

/** A length-delimited message value: a slot for its content length, then its content. */
function delimited(content: ValueCodec): ValueCodec {
  return {
    measure(v, path, lengths) {
      const slot = lengths.list.length;
      lengths.list.push(0);
      const n = content.measure(v, path, lengths);
      lengths.list[slot] = n;
      return varintSize(n) + n;
    },
    write(b, pos, v, lengths) {
      const n = lengths.list[lengths.next++] as number;
      return content.write(b, writeVarint(b, pos, n), v, lengths);
    },
  };
}

/** The content of one message-typed value: wrapper, Timestamp, Ari or a nested message. */
function messageContent(plan: MessagePlan, desc: DescMessage): ValueCodec {
  const entity = plan.entity;
  const s = stringCodec();
  switch (desc.typeName) {
    case "google.protobuf.StringValue":
      return {
        measure(v, path, lengths) {
          if (typeof v !== "string") fail(entity, path, "expected a string or null", v);
          return v === "" ? 0 : 1 + s.measure(v, path, lengths);
        },
        write(b, pos, v, lengths) {
          if (v === "") return pos;
          b[pos] = 0x0a;
          return s.write(b, pos + 1, v, lengths);
        },
      };
    case "google.protobuf.BoolValue":
      return {
        measure(v, path) {
          if (typeof v !== "boolean") fail(entity, path, "expected a boolean or null", v);
          return v ? 2 : 0;
        },
        write(b, pos, v) {
          if (v !== true) return pos;
          b[pos] = 0x08;
          b[pos + 1] = 1;
          return pos + 2;
        },
      };
    case "google.protobuf.Timestamp": {
      const parts = (v: Date): [number, number] => {
        const ms = v.getTime();
        const seconds = Math.floor(ms / 1000);
        return [seconds, (ms - seconds * 1000) * 1_000_000];
      };
      return {
        measure(v, path) {
          if (!(v instanceof Date) || Number.isNaN(v.getTime()))
            fail(entity, path, "expected a valid Date", v);
          const [seconds, nanos] = parts(v);
          return (seconds === 0 ? 0 : 1 + int64Size(seconds)) + (nanos === 0 ? 0 : 1 + int32Size(nanos));
        },
        write(b, pos, v) {
          const [seconds, nanos] = parts(v as Date);
          let p = pos;
          if (seconds !== 0) {
            b[p] = 0x08;
            p = writeInt64(b, p + 1, seconds);
          }
          if (nanos !== 0) {
            b[p] = 0x10;
            p = writeInt32(b, p + 1, nanos);
          }
          return p;
        },
      };
    }
    case ARI_TYPE:
      return {
        measure(v, path, lengths) {
          if (typeof v !== "string" || !isAri(v))
            fail(entity, path, "expected an ARI string ari:cloud:<product>:<ws>:<type>/<id>", v);
          return v === "" ? 0 : 1 + s.measure(v, path, lengths);
        },
        write(b, pos, v, lengths) {
          if (v === "") return pos;
          b[pos] = 0x0a;
          return s.write(b, pos + 1, v, lengths);
        },
      };
    default: {
      const nested = planOf(entity, desc);
      return {
        measure(v, path, lengths) {
          if (!isObject(v)) fail(entity, path, `expected an object (${desc.name})`, v);
          return measureFields(nested, v, path, lengths);
        },
        write: (b, pos, v, lengths) => writeFields(nested, b, pos, v as Record<string, unknown>, lengths),
      };
    }
  }
}

function tagBytes(no: number, wire: number): Uint8Array {
  const tag = no * 8 + wire;
  const out = new Uint8Array(varintSize(tag));
  writeVarint(out, 0, tag);
  return out;
}

function writeTag(b: Buffer, pos: number, tag: Uint8Array): number {
  for (let i = 0; i < tag.length; i++) b[pos + i] = tag[i] as number;
  return pos + tag.length;
}

function listPlan(plan: MessagePlan, field: DescField & { fieldKind: "list" }): FieldPlan {
  const entity = plan.entity;
  const key = field.jsonName;
  const item: ValueCodec & { wire: number } =
    field.listKind === "scalar"
      ? scalarCodec(entity, field.scalar)
      : field.listKind === "enum"
        ? { ...enumCodec(entity, field), wire: WIRE_VARINT }
        : { ...delimited(messageContent(plan, field.message)), wire: WIRE_DELIMITED };
  const packed = field.listKind !== "message" && item.wire !== WIRE_DELIMITED;
  const tag = tagBytes(field.number, packed ? WIRE_DELIMITED : item.wire);
  const checkList = (v: unknown, prefix: string): v is readonly unknown[] => {
    if (v === undefined) return false;
    if (!Array.isArray(v)) fail(entity, `${prefix}${key}`, "expected an array", v);
    return true;
  };
  if (packed) {
    return {
      key,
      measure(obj, prefix, lengths) {
        const v = obj[key];
        if (!checkList(v, prefix) || v.length === 0) return 0;
        let n = 0;
        for (let i = 0; i < v.length; i++) n += item.measure(v[i], prefix, lengths);
        lengths.list.push(n);
        return tag.length + varintSize(n) + n;
      },
      write(b, pos, obj, lengths) {
        const v = obj[key] as readonly unknown[] | undefined;
        if (v === undefined || v.length === 0) return pos;
        let p = writeVarint(b, writeTag(b, pos, tag), lengths.list[lengths.next++] as number);
        for (let i = 0; i < v.length; i++) p = item.write(b, p, v[i], lengths);
        return p;
      },
    };
  }
  return {
    key,
    measure(obj, prefix, lengths) {
      const v = obj[key];
      if (!checkList(v, prefix)) return 0;
      let n = 0;
      for (let i = 0; i < v.length; i++) n += tag.length + item.measure(v[i], prefix, lengths);
      return n;
    },
    write(b, pos, obj, lengths) {
      const v = obj[key] as readonly unknown[] | undefined;
      if (v === undefined) return pos;
      let p = pos;
      for (let i = 0; i < v.length; i++) p = item.write(b, writeTag(b, p, tag), v[i], lengths);
      return p;
    },
  };
}

function singularPlan(plan: MessagePlan, field: DescField): FieldPlan {
  const entity = plan.entity;
  const key = field.jsonName;
  const optional = field.proto.proto3Optional === true;
  const missing = (v: unknown, prefix: string): boolean => {
    if (v !== undefined) return false;
    if (!optional) fail(entity, `${prefix}${key}`, "missing (mark the field `?` to make it optional)", v);
    return true;
  };
  if (field.fieldKind === "message") {
    const desc = field.message;
    const nullable =
      desc.typeName === "google.protobuf.StringValue" || desc.typeName === "google.protobuf.BoolValue";
    const value = delimited(messageContent(plan, desc));
    const tag = tagBytes(field.number, WIRE_DELIMITED);
    return {
      key,
      measure(obj, prefix, lengths) {
        const v = obj[key];
        if (missing(v, prefix)) return 0;
        if (v === null) {
          if (nullable) return 0;
          fail(entity, `${prefix}${key}`, "null is only allowed for String and Boolean fields", v);
        }
        return tag.length + value.measure(v, prefix, lengths);
      },
      write(b, pos, obj, lengths) {
        const v = obj[key];
        if (v === undefined || v === null) return pos;
        return value.write(b, writeTag(b, pos, tag), v, lengths);
      },
    };
  }
  if (field.fieldKind === "enum") {
    const value = enumCodec(entity, field);
    const tag = tagBytes(field.number, WIRE_VARINT);
    return {
      key,
      measure(obj, prefix, lengths) {
        const v = obj[key];
        return missing(v, prefix) ? 0 : tag.length + value.measure(v, prefix, lengths);
      },
      write(b, pos, obj, lengths) {
        const v = obj[key];
        return v === undefined ? pos : value.write(b, writeTag(b, pos, tag), v, lengths);
      },
    };
  }
  if (field.fieldKind !== "scalar") {
    return {
      key,
      measure: (obj, prefix) =>
        fail(entity, `${prefix}${key}`, "maps are not part of the manifest language", obj[key]),
      write: (_b, pos) => pos,
    };
  }
  const type = field.scalar;
  const value = scalarCodec(entity, type);
  const tag = tagBytes(field.number, value.wire);
  const skip = (v: unknown): boolean => v === undefined || (!optional && isZero(type, v));
  return {
    key,
    measure(obj, prefix, lengths) {
      const v = obj[key];
      if (missing(v, prefix)) return 0;
      const n = value.measure(v, prefix, lengths);
      if (skip(v)) {
        if (type === ScalarType.STRING) lengths.list.pop();
        return 0;
      }
      return tag.length + n;
    },
    write(b, pos, obj, lengths) {
      const v = obj[key];
      return skip(v) ? pos : value.write(b, writeTag(b, pos, tag), v, lengths);
    },
  };
}

function planOf(entity: string, desc: DescMessage): MessagePlan {
  let byEntity = plans.get(desc);
  if (byEntity === undefined) {
    byEntity = new Map();
    plans.set(desc, byEntity);
  }
  let plan = byEntity.get(entity);
  if (plan === undefined) {
    const p: MessagePlan = { entity, desc, keys: new Set(desc.fields.map((f) => f.jsonName)), fields: [] };
    // Registered before its fields are compiled, so that a recursive message type finds itself.
    byEntity.set(entity, p);
    for (const field of [...desc.fields].sort((a, b) => a.number - b.number)) {
      p.fields.push(field.fieldKind === "list" ? listPlan(p, field) : singularPlan(p, field));
    }
    plan = p;
  }
  return plan;
}

function measureFields(
  plan: MessagePlan,
  obj: Readonly<Record<string, unknown>>,
  prefix: string,
  lengths: Lengths,
): number {
  for (const k in obj) {
    if (!plan.keys.has(k) && obj[k] !== undefined) {
      fail(plan.entity, `${prefix}${k}`, `unknown field (known: ${[...plan.keys].join(", ")})`, obj[k]);
    }
  }
  let n = 0;
  for (const f of plan.fields) n += f.measure(obj, prefix, lengths);
  return n;
}

function writeFields(
  plan: MessagePlan,
  b: Buffer,
  pos: number,
  obj: Readonly<Record<string, unknown>>,
  lengths: Lengths,
): number {
  let p = pos;
  for (const f of plan.fields) p = f.write(b, p, obj, lengths);
  return p;
}

class MeasuredEntity implements SizedEntity {
  constructor(
    private readonly plan: MessagePlan,
    private readonly value: Readonly<Record<string, unknown>>,
    private readonly lengths: number[],
    readonly byteLength: number,
  ) {}

  writeInto(target: Uint8Array, offset: number): number {
    const end = writeFields(this.plan, asBuffer(target), offset, this.value, { list: this.lengths, next: 0 });
    if (end !== offset + this.byteLength) {
      // The value changed between measuring and writing (it is the caller's object): never emit torn bytes.
      throw new EntityValueError(
        this.plan.entity,
        "(value)",
        "changed while it was being encoded",
        undefined,
      );
    }
    return end;
  }

  toBytes(): Uint8Array {
    const out = Buffer.allocUnsafe(this.byteLength);
    this.writeInto(out, 0);
    return out;
  }
}

/**
 * Checks and measures an entity value; the result writes encodeEntity's exact bytes wherever it is told.
 * Throws EntityValueError (what is wrong and where) and UnknownEntityError, like encodeEntity.
 */
export function sizeEntity(registry: SchemaRegistry, nameOrTypeUrl: string, value: object): SizedEntity {
  const { info, desc } = resolveEntity(registry, nameOrTypeUrl);
  if (!isObject(value)) fail(info.name, "(value)", "expected an object", value);
  const plan = planOf(info.name, desc);
  const lengths: number[] = [];
  try {
    const byteLength = measureFields(plan, value, "", { list: lengths, next: 0 });
    return new MeasuredEntity(plan, value, lengths, byteLength);
  } catch (err) {
    // The measuring pass builds no field paths (they would be garbage for every good value): a bad value goes
    // through encodeEntity, whose checks are the same, for the error with its full path.
    if (err instanceof EntityValueError) encodeEntity(registry, info.name, value);
    throw err;
  }
}
