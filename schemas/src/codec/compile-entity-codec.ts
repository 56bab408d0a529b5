// sizeEntity's fast path: per entity schema, one straight-line measure function and one write function, generated
// once from the message descriptors (only descriptor data goes into the generated source: field names as JSON string
// literals, field numbers as tag bytes; never a value). The bytes are those of the field plans of
// size-entity-plan.ts (protobuf-es toBinary); codec.test.ts compares both paths on random values of every entity.
// A value the fast path does not accept makes it throw REFUSED, and sizeEntity then goes the plan way, whose
// errors say what is wrong and where: the generated code carries no error messages and builds no paths.
import type { DescField, DescMessage } from "@bufbuild/protobuf";
import { ScalarType } from "@bufbuild/protobuf";
import { ENVELOPE_PACKAGE } from "../registry.js";
import { isAri } from "./ari.js";
import { enumNames } from "./resolve-entity.js";
import type { Lengths } from "./size-entity-values.js";
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

/** Thrown by a compiled codec for a value it does not accept (the caller re-checks it the slow way). */
export const REFUSED: unique symbol = Symbol("facsimile.refused");

export interface CompiledEntityCodec {
  /** Checks and measures a plain value; lengths it finds go to `lengths`, in the order write reads them. */
  readonly measure: (value: Readonly<Record<string, unknown>>, lengths: number[]) => number;
  /** Writes the measured value at `pos`; returns the offset after it. */
  readonly write: (
    b: Buffer,
    pos: number,
    value: Readonly<Record<string, unknown>>,
    lengths: Lengths,
  ) => number;
}

const ARI_TYPE = `${ENVELOPE_PACKAGE}.Ari`;
const TIMESTAMP_MIN_MS = -62_135_596_800_000;
const TIMESTAMP_MAX_MS = 253_402_300_799_999;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

function refuse(): never {
  throw REFUSED;
}

/** The helpers the generated code calls (its only free variables). */
const runtime = {
  refuse,
  varintSize,
  int32Size,
  int64Size,
  writeVarint,
  writeInt32,
  writeInt64,
  writeUtf8,
  writeDouble,
  isAri,
  /** UTF-8 length of a string that UTF-8 can carry. */
  str(v: unknown): number {
    if (typeof v !== "string") refuse();
    const n = utf8Length(v);
    if (n !== v.length && LONE_SURROGATE.test(v)) refuse();
    return n;
  },
  isObject(v: unknown): boolean {
    return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date);
  },
  i32(v: unknown): number {
    if (typeof v !== "number" || !Number.isInteger(v) || v < -(2 ** 31) || v > 2 ** 31 - 1) refuse();
    return int32Size(v);
  },
  i64(v: unknown): number {
    const ok =
      typeof v === "bigint"
        ? v >= INT64_MIN && v <= INT64_MAX
        : typeof v === "number" && Number.isSafeInteger(v);
    if (!ok) refuse();
    return int64Size(v as number | bigint);
  },
  /** Content bytes of a Timestamp (seconds and nanos as protobuf-es's timestampFromDate computes them). */
  tsSize(v: unknown): number {
    if (!(v instanceof Date)) refuse();
    const ms = v.getTime();
    if (Number.isNaN(ms) || ms < TIMESTAMP_MIN_MS || ms > TIMESTAMP_MAX_MS) refuse();
    const seconds = Math.floor(ms / 1000);
    const nanos = (ms - seconds * 1000) * 1_000_000;
    return (seconds === 0 ? 0 : 1 + int64Size(seconds)) + (nanos === 0 ? 0 : 1 + int32Size(nanos));
  },
  tsWrite(b: Buffer, pos: number, v: Date): number {
    const ms = v.getTime();
    const seconds = Math.floor(ms / 1000);
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

/** Generated source of one compilation: a measure and a write function per message type reached. */
class Generator {
  /** Strict: also refuse what the generated zod validators refuse and the encoder takes (see compileEntityCodec). */
  constructor(private readonly strict: boolean) {}
  private readonly index = new Map<DescMessage, number>();
  private readonly sources: string[] = [];
  /** Enum name -> number maps, referenced from the generated code as E[i]. */
  readonly enums: ReadonlyMap<string, number>[] = [];

  messageIndex(desc: DescMessage): number {
    let i = this.index.get(desc);
    if (i === undefined) {
      i = this.index.size;
      this.index.set(desc, i);
      // Registered before its fields are generated, so that a recursive message type finds itself.
      this.sources.push("");
      this.sources[i] = this.message(i, desc);
    }
    return i;
  }

  source(root: number): string {
    return `${this.sources.join("\n")}\nreturn { measure: m${root}, write: w${root} };`;
  }

  private enumRef(field: DescField & { enum: NonNullable<DescField["enum"]> }): string {
    this.enums.push(enumNames(field.enum).byName);
    return `E[${this.enums.length - 1}]`;
  }

  private message(i: number, desc: DescMessage): string {
    const fields = [...desc.fields].sort((a, b) => a.number - b.number);
    const known = desc.fields.map((f) => `case ${JSON.stringify(f.jsonName)}:`).join(" ");
    const measure: string[] = [];
    const write: string[] = [];
    for (const f of fields) {
      const [m, w] = this.field(f);
      measure.push(m);
      write.push(w);
    }
    return [
      `function m${i}(o, L) {`,
      `  for (const k in o) switch (k) { ${known} break; default: ${this.strict ? "" : "if (o[k] !== undefined) "}refuse(); }`,
      "  let s = 0, v, n, c, x, i;",
      ...measure,
      "  return s;",
      "}",
      `function w${i}(b, p, o, L) {`,
      "  let v, n, i;",
      ...write,
      "  return p;",
      "}",
    ].join("\n");
  }

  /** [measure, write] statements of one field. */
  private field(f: DescField): [string, string] {
    const key = `o[${JSON.stringify(f.jsonName)}]`;
    if (f.fieldKind === "list") return this.list(f, key);
    if (f.fieldKind === "map") return ["  refuse();", ""];
    const optional = f.proto.proto3Optional === true;
    const missing = `if (v === undefined) { ${optional ? "" : "refuse(); "}}`;
    if (f.fieldKind === "enum") {
      const e = this.enumRef(f);
      const tag = tagOf(f.number, 0);
      return [
        `  v = ${key}; ${missing} else { n = ${e}.get(v); if (typeof v !== "string" || n === undefined || n === 0) refuse(); s += ${tag.length} + int32Size(n); }`,
        `  v = ${key}; if (v !== undefined) { ${writeTag(tag)} p = writeInt32(b, p, ${e}.get(v)); }`,
      ];
    }
    if (f.fieldKind === "message") {
      const nullable =
        f.message.typeName === "google.protobuf.StringValue" ||
        f.message.typeName === "google.protobuf.BoolValue";
      const tag = tagOf(f.number, 2);
      const [mc, wc] = this.content(f.message);
      return [
        `  v = ${key}; ${missing} else if (v === null) { ${nullable ? "" : "refuse(); "}} else { x = L.length; L.push(0); ${mc} L[x] = c; s += ${tag.length} + varintSize(c) + c; }`,
        `  v = ${key}; if (v !== undefined && v !== null) { ${writeTag(tag)} p = writeVarint(b, p, L.list[L.next++]); ${wc} }`,
      ];
    }
    const t = f.scalar;
    const item = scalarItem(t, this.strict);
    const tag = tagOf(f.number, item.wire);
    const zero = optional ? "false" : item.zero;
    return [
      `  v = ${key}; ${missing} else { ${item.measure} if (!(${zero})) { ${item.keep ?? ""} s += ${tag.length} + n; } }`,
      `  v = ${key}; if (v !== undefined && !(${zero})) { ${writeTag(tag)} ${item.write} }`,
    ];
  }

  private list(f: DescField & { fieldKind: "list" }, key: string): [string, string] {
    // Strict: a missing list is refused (zod wants the array; the encoder reads it as empty).
    const head = `  v = ${key};${this.strict ? " if (v === undefined) refuse();" : ""} if (v !== undefined) { if (!Array.isArray(v)) refuse();`;
    if (f.listKind === "message") {
      const tag = tagOf(f.number, 2);
      const [mc, wc] = this.content(f.message);
      return [
        `${head} const a = v; for (i = 0; i < a.length; i++) { v = a[i]; x = L.length; L.push(0); ${mc} L[x] = c; s += ${tag.length} + varintSize(c) + c; } }`,
        `  v = ${key}; if (v !== undefined) { const a = v; for (let j = 0; j < a.length; j++) { v = a[j]; ${writeTag(tag)} p = writeVarint(b, p, L.list[L.next++]); ${wc} } }`,
      ];
    }
    if (f.listKind === "scalar" && f.scalar === ScalarType.STRING) {
      const tag = tagOf(f.number, 2);
      return [
        `${head} for (i = 0; i < v.length; i++) { n = str(v[i]); L.push(n); s += ${tag.length} + varintSize(n) + n; } }`,
        `  v = ${key}; if (v !== undefined) for (i = 0; i < v.length; i++) { ${writeTag(tag)} n = L.list[L.next++]; p = writeUtf8(b, writeVarint(b, p, n), v[i], n); }`,
      ];
    }
    // Packed: the numeric scalars and enums.
    const tag = tagOf(f.number, 2);
    let measureItem: string;
    let writeItem: string;
    if (f.listKind === "enum") {
      const e = this.enumRef(f);
      measureItem = `x = v[i]; n = ${e}.get(x); if (typeof x !== "string" || n === undefined || n === 0) refuse(); c += int32Size(n);`;
      writeItem = `p = writeInt32(b, p, ${e}.get(v[i]));`;
    } else {
      const item = scalarItem(f.scalar, this.strict);
      measureItem = `{ const v0 = v; v = v0[i]; ${item.measure} v = v0; } c += n;`;
      writeItem = `{ const v0 = v; v = v0[i]; ${item.write} v = v0; }`;
    }
    return [
      `${head} if (v.length > 0) { c = 0; for (i = 0; i < v.length; i++) { ${measureItem} } L.push(c); s += ${tag.length} + varintSize(c) + c; } }`,
      `  v = ${key}; if (v !== undefined && v.length > 0) { ${writeTag(tag)} p = writeVarint(b, p, L.list[L.next++]); for (i = 0; i < v.length; i++) { ${writeItem} } }`,
    ];
  }

  /**
   * [measure, write] of one message value `v` without its tag and length: measure leaves its content length in
   * `c`; write runs after the length was written. Wrappers, Timestamp and Ari inline; other messages by call.
   */
  private content(desc: DescMessage): [string, string] {
    switch (desc.typeName) {
      case "google.protobuf.StringValue":
        return [
          `n = str(v); if (v === "") c = 0; else { L.push(n); c = 1 + varintSize(n) + n; }`,
          `if (v !== "") { b[p] = 0x0a; n = L.list[L.next++]; p = writeUtf8(b, writeVarint(b, p + 1, n), v, n); }`,
        ];
      case "google.protobuf.BoolValue":
        return [
          `if (typeof v !== "boolean") refuse(); c = v ? 2 : 0;`,
          `if (v === true) { b[p] = 0x08; b[p + 1] = 1; p += 2; }`,
        ];
      case "google.protobuf.Timestamp":
        return ["c = tsSize(v);", "p = tsWrite(b, p, v);"];
      case ARI_TYPE:
        return [
          `if (typeof v !== "string" || !isAri(v)) refuse(); n = str(v); if (v === "") c = 0; else { L.push(n); c = 1 + varintSize(n) + n; }`,
          `if (v !== "") { b[p] = 0x0a; n = L.list[L.next++]; p = writeUtf8(b, writeVarint(b, p + 1, n), v, n); }`,
        ];
      default: {
        const j = this.messageIndex(desc);
        return [`if (!isObject(v)) refuse(); c = m${j}(v, L);`, `p = w${j}(b, p, v, L);`];
      }
    }
  }
}

/** Checking-and-measuring (`n` = bytes of `v`) and writing of one scalar `v`; `zero`: proto3 skips it. */
function scalarItem(
  t: ScalarType,
  strict: boolean,
): {
  wire: number;
  measure: string;
  keep?: string;
  write: string;
  zero: string;
} {
  switch (t) {
    case ScalarType.STRING:
      return {
        wire: 2,
        measure: "n = str(v);",
        keep: "L.push(n); n += varintSize(n);",
        write: "n = L.list[L.next++]; p = writeUtf8(b, writeVarint(b, p, n), v, n);",
        zero: 'v === ""',
      };
    case ScalarType.BOOL:
      return {
        wire: 0,
        measure: 'if (typeof v !== "boolean") refuse(); n = 1;',
        write: "b[p++] = v === true ? 1 : 0;",
        zero: "v === false",
      };
    case ScalarType.INT32:
      return { wire: 0, measure: "n = i32(v);", write: "p = writeInt32(b, p, v);", zero: "v === 0" };
    case ScalarType.INT64:
      return {
        wire: 0,
        measure: "n = i64(v);",
        write: "p = writeInt64(b, p, v);",
        zero: "v === 0 || v === 0n",
      };
    case ScalarType.DOUBLE:
      return {
        wire: 1,
        // Strict: NaN and the infinities are refused (zod's z.number() does).
        measure: `if (typeof v !== "number"${strict ? " || !Number.isFinite(v)" : ""}) refuse(); n = 8;`,
        write: "p = writeDouble(b, p, v);",
        zero: "v === 0 && 1 / v > 0",
      };
    default:
      return { wire: 0, measure: "refuse();", write: "", zero: "true" };
  }
}

function tagOf(no: number, wireType: number): number[] {
  const out: number[] = [];
  let v = no * 8 + wireType;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

function writeTag(tag: number[]): string {
  return `${tag.map((t, k) => `b[p + ${k}] = ${t};`).join(" ")} p += ${tag.length};`;
}

const compiled = new WeakMap<DescMessage, CompiledEntityCodec>();
const compiledStrict = new WeakMap<DescMessage, CompiledEntityCodec>();

/**
 * The compiled codec of an entity's message descriptor (generated on first use, then cached). A strict codec also
 * refuses what the generated zod validators refuse though the encoder takes it: an unknown key even with an
 * undefined value (strictObject), a missing list, an enum given by number, a NaN or infinite Float64.
 */
export function compileEntityCodec(desc: DescMessage, strict = false): CompiledEntityCodec {
  const cache = strict ? compiledStrict : compiled;
  let codec = cache.get(desc);
  if (codec === undefined) {
    const g = new Generator(strict);
    const root = g.messageIndex(desc);
    const names = Object.keys(runtime);
    // Generated from descriptor data only (see the top of this file), never from a value.
    const factory = new Function("E", ...names, g.source(root)) as (
      ...args: unknown[]
    ) => CompiledEntityCodec;
    codec = factory(g.enums, ...names.map((n) => runtime[n as keyof typeof runtime]));
    cache.set(desc, codec);
  }
  return codec;
}
