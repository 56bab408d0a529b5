// A fast yes/no check of a decoded protobuf-es entity message against the rules toEntityMessage() applies to the
// plain value decodeEntity() makes of it (required messages present, enums set, ARIs and timestamps valid), without
// building the plain value or the message again. It only answers "certainly valid": a message it does not pass may
// still be valid, and the caller asks the full check (decodeEntity + toEntityMessage) for the verdict and the error.
// Compiled once per message descriptor. Pure.
import { type DescField, type DescMessage, ScalarType } from "@bufbuild/protobuf";
import { type Timestamp, timestampDate } from "@bufbuild/protobuf/wkt";
import { ENVELOPE_PACKAGE } from "../registry.js";
import { isAri } from "./ari.js";
import { enumNames } from "./resolve-entity.js";

type Check = (value: unknown) => boolean;

const ARI_TYPE = `${ENVELOPE_PACKAGE}.Ari`;
/** google.protobuf.Timestamp's range in ms, as the encoder checks it. */
const TIMESTAMP_MIN_MS = -62_135_596_800_000;
const TIMESTAMP_MAX_MS = 253_402_300_799_999;

const compiled = new WeakMap<DescMessage, Check>();

const always: Check = () => true;

/** A scalar as decoded: the encoder's checks hold for every decoded value of these types (UTF-8 decoding never
 * yields a lone surrogate); any other scalar type is left to the full check. */
function scalarCheck(type: ScalarType): Check {
  switch (type) {
    case ScalarType.STRING:
      return (v) => typeof v === "string";
    case ScalarType.BOOL:
      return (v) => typeof v === "boolean";
    case ScalarType.INT32:
      return (v) => typeof v === "number" && Number.isInteger(v);
    case ScalarType.INT64:
      return (v) => typeof v === "bigint";
    case ScalarType.DOUBLE:
      return (v) => typeof v === "number";
    default:
      return () => false;
  }
}

/** A set enum: its plain name maps back to a number other than 0 (unknown numbers other than 0 pass as numbers). */
function enumCheck(field: DescField & { enum: NonNullable<DescField["enum"]> }): Check {
  const names = enumNames(field.enum);
  return (v) => {
    if (typeof v !== "number" || !Number.isInteger(v)) return false;
    const name = names.byNumber.get(v);
    if (name === undefined) return v !== 0;
    const n = names.byName.get(name);
    return n !== undefined && n !== 0;
  };
}

/** A present message-typed value (a list item, or a singular field that is set). */
function messageCheck(desc: DescMessage): Check {
  switch (desc.typeName) {
    case "google.protobuf.StringValue":
    case "google.protobuf.BoolValue": {
      const want = desc.typeName === "google.protobuf.StringValue" ? "string" : "boolean";
      return (v) =>
        typeof (typeof v === "object" && v !== null ? (v as { value: unknown }).value : v) === want;
    }
    case "google.protobuf.Timestamp":
      return (v) => {
        if (typeof v !== "object" || v === null) return false;
        const ms = timestampDate(v as Timestamp).getTime();
        return !Number.isNaN(ms) && ms >= TIMESTAMP_MIN_MS && ms <= TIMESTAMP_MAX_MS;
      };
    case ARI_TYPE:
      return (v) => {
        const s = typeof v === "object" && v !== null ? (v as { value: unknown }).value : undefined;
        return typeof s === "string" && isAri(s);
      };
    default: {
      const inner = checkOf(desc);
      return (v) => typeof v === "object" && v !== null && inner(v);
    }
  }
}

function fieldCheck(field: DescField): Check {
  const key = field.localName;
  if (field.fieldKind === "list") {
    const item =
      field.listKind === "scalar"
        ? scalarCheck(field.scalar)
        : field.listKind === "enum"
          ? enumCheck(field)
          : messageCheck(field.message);
    return (msg) => {
      const list = (msg as Record<string, unknown>)[key];
      if (list === undefined) return true;
      if (!Array.isArray(list)) return false;
      for (const v of list) if (!item(v)) return false;
      return true;
    };
  }
  const optional = field.proto.proto3Optional === true;
  if (field.fieldKind === "scalar") {
    const check = scalarCheck(field.scalar);
    return (msg) => {
      const v = (msg as Record<string, unknown>)[key];
      return v === undefined ? optional : check(v);
    };
  }
  if (field.fieldKind === "enum") {
    const check = enumCheck(field);
    return (msg) => {
      const v = (msg as Record<string, unknown>)[key];
      return v === undefined ? optional : check(v);
    };
  }
  if (field.fieldKind === "message") {
    const wrapper =
      field.message.typeName === "google.protobuf.StringValue" ||
      field.message.typeName === "google.protobuf.BoolValue";
    const check = messageCheck(field.message);
    return (msg) => {
      const v = (msg as Record<string, unknown>)[key];
      // Absent: the plain value has null there (or nothing, for `optional`), which only wrappers may be.
      return v === undefined ? optional || wrapper : check(v);
    };
  }
  return () => false;
}

function checkOf(desc: DescMessage): Check {
  let check = compiled.get(desc);
  if (check === undefined) {
    // Placeholder first: a recursive message type refers to its own check.
    compiled.set(desc, (v) => (compiled.get(desc) ?? always)(v));
    const fields = desc.fields.map(fieldCheck);
    check = (msg) => {
      for (const f of fields) if (!f(msg)) return false;
      return true;
    };
    compiled.set(desc, check);
  }
  return check;
}

/**
 * True when the decoded message `msg` of `desc` is certainly valid: toEntityMessage(decodeEntity(bytes)) would
 * accept it. False means "ask the full check", not "invalid".
 */
export function entityMessageCertainlyValid(desc: DescMessage, msg: unknown): boolean {
  return typeof msg === "object" && msg !== null && checkOf(desc)(msg);
}
