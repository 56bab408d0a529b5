// The field plans of sizeEntity, compiled once per message descriptor (and entity, for error messages): per
// field in field-number order, how to check and measure it and how to write it with its tag, lists packed
// where protobuf-es packs them, proto3 zero values skipped; nested messages, wrappers, Timestamp and Ari.
import type { DescField, DescMessage } from "@bufbuild/protobuf";
import { ScalarType } from "@bufbuild/protobuf";
import { ENVELOPE_PACKAGE } from "../registry.js";
import { isAri } from "./ari.js";
import {
  delimited,
  enumCodec,
  fail,
  isObject,
  isZero,
  type Lengths,
  scalarCodec,
  stringCodec,
  type ValueCodec,
  WIRE_DELIMITED,
  WIRE_VARINT,
} from "./size-entity-values.js";
import { int32Size, int64Size, varintSize, writeInt32, writeInt64, writeVarint } from "./wire-writer.js";

const ARI_TYPE = `${ENVELOPE_PACKAGE}.Ari`;
/** google.protobuf.Timestamp's range, 0001-01-01 to 9999-12-31, in ms (as encodeEntity checks it). */
const TIMESTAMP_MIN_MS = -62_135_596_800_000;
const TIMESTAMP_MAX_MS = 253_402_300_799_999;

export interface FieldPlan {
  readonly key: string;
  measure(obj: Readonly<Record<string, unknown>>, prefix: string, lengths: Lengths): number;
  write(b: Buffer, pos: number, obj: Readonly<Record<string, unknown>>, lengths: Lengths): number;
}

export interface MessagePlan {
  readonly entity: string;
  readonly desc: DescMessage;
  readonly keys: ReadonlySet<string>;
  readonly fields: FieldPlan[];
}

const plans = new WeakMap<DescMessage, Map<string, MessagePlan>>();

/** The content of one message-typed value: wrapper, Timestamp, Ari or a nested message. */
function messageContent(plan: MessagePlan, desc: DescMessage): ValueCodec {
  const entity = plan.entity;
  const s = stringCodec(entity);
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
      // Seconds and nanos as protobuf-es's timestampFromDate computes them (no tuple: this runs per field).
      const secondsOf = (ms: number): number => Math.floor(ms / 1000);
      return {
        measure(v, path) {
          if (!(v instanceof Date) || Number.isNaN(v.getTime()))
            fail(entity, path, "expected a valid Date", v);
          const ms = v.getTime();
          if (ms < TIMESTAMP_MIN_MS || ms > TIMESTAMP_MAX_MS)
            fail(entity, path, "is outside the range of a protobuf Timestamp (years 0001 to 9999)", v);
          const seconds = secondsOf(ms);
          const nanos = (ms - seconds * 1000) * 1_000_000;
          return (seconds === 0 ? 0 : 1 + int64Size(seconds)) + (nanos === 0 ? 0 : 1 + int32Size(nanos));
        },
        write(b, pos, v) {
          const ms = (v as Date).getTime();
          const seconds = secondsOf(ms);
          const nanos = (ms - seconds * 1000) * 1_000_000;
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

export function planOf(entity: string, desc: DescMessage): MessagePlan {
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

export function measureFields(
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

export function writeFields(
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
