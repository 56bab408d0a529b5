// The value codecs of sizeEntity: one scalar, enum or length-delimited value, checked and measured in the first
// pass (lengths kept in order), written in the second. The same checks and messages as encodeEntity.
import { type DescField, ScalarType } from "@bufbuild/protobuf";
import { EntityValueError } from "../errors.js";
import { enumNames } from "./resolve-entity.js";
import {
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

/** Lengths found by the measuring pass, read back in the same order by the writing pass. */
export interface Lengths {
  readonly list: number[];
  next: number;
}

/** One value of a field, without its tag: `measure` checks it and returns its bytes (length prefix included). */
export interface ValueCodec {
  measure(v: unknown, path: string, lengths: Lengths): number;
  write(b: Buffer, pos: number, v: unknown, lengths: Lengths): number;
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_DELIMITED = 2;

export function fail(entity: string, path: string, problem: string, v: unknown): never {
  throw new EntityValueError(entity, path, problem, v);
}

export function isObject(v: unknown): v is Readonly<Record<string, unknown>> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/** In a `u` regex a surrogate pair is one code point: this matches only a lone surrogate. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** A UTF-8 string; one with a lone surrogate (which UTF-8 cannot carry) is refused, as encodeEntity does. */
export function stringCodec(entity: string): ValueCodec {
  return {
    measure(v, path, lengths) {
      const s = v as string;
      const n = utf8Length(s);
      // Only a string with non-ASCII characters (longer in UTF-8 than in UTF-16 units) can hold a surrogate.
      if (n !== s.length && LONE_SURROGATE.test(s))
        fail(entity, path, "contains a lone UTF-16 surrogate, which UTF-8 cannot encode", v);
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
export function scalarCodec(entity: string, type: ScalarType): ValueCodec & { readonly wire: number } {
  switch (type) {
    case ScalarType.STRING: {
      const s = stringCodec(entity);
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
export function isZero(type: ScalarType, v: unknown): boolean {
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

export function enumCodec(
  entity: string,
  field: DescField & { enum: NonNullable<DescField["enum"]> },
): ValueCodec {
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
export function delimited(content: ValueCodec): ValueCodec {
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
