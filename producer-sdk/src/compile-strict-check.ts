// The producer's validator on the hot path, compiled once per entity from its message descriptor: together with
// sizeEntity's own checks (types, ranges, required fields, ARIs, Timestamp range, unknown keys with a value) it
// refuses what the generated zod validators refuse, without zod's cost or its deep copy of the value. What it adds
// to the encoder's checks: an unknown key even when its value is undefined (zod's strictObject), a missing list
// (the encoder reads it as empty), an enum given by number instead of by name, and a NaN or infinite Float64. It returns the first problem and does not build
// paths for good values; the producer asks zod for the full list of issues only once a value failed.
import type { DescField, DescMessage } from "@bufbuild/protobuf";
import { ScalarType } from "@bufbuild/protobuf";
import { ENVELOPE_PACKAGE } from "@facsimile/schemas";

export interface StrictProblem {
  /** Dotted path below the value, e.g. "fields.2.updatedAt". */
  readonly path: string;
  readonly message: string;
}

/** Returns the first problem of a plain value, or undefined when it passes. */
export type StrictCheck = (value: unknown) => StrictProblem | undefined;

type Walk = (v: unknown) => StrictProblem | undefined;

/** Message types whose plain value is not an object of fields (sizeEntity checks them whole). */
const OPAQUE = new Set([
  "google.protobuf.StringValue",
  "google.protobuf.BoolValue",
  "google.protobuf.Timestamp",
  `${ENVELOPE_PACKAGE}.Ari`,
]);

const below = (key: string, p: StrictProblem): StrictProblem => ({
  path: p.path === "" ? key : `${key}.${p.path}`,
  message: p.message,
});

function itemWalk(field: DescField, kind: string, compiled: Map<DescMessage, Walk>): Walk | undefined {
  if (kind === "enum") {
    return (v) =>
      typeof v === "number"
        ? { path: "", message: "expected the name of an enum value, not a number" }
        : undefined;
  }
  if (kind === "scalar" && field.scalar === ScalarType.DOUBLE) {
    return (v) =>
      typeof v === "number" && !Number.isFinite(v)
        ? { path: "", message: "expected a finite Float64 (not NaN or Infinity)" }
        : undefined;
  }
  if (kind === "message" && field.message !== undefined) {
    const desc = field.message;
    if (OPAQUE.has(desc.typeName)) return undefined;
    return messageWalk(desc, compiled);
  }
  return undefined;
}

function messageWalk(desc: DescMessage, compiled: Map<DescMessage, Walk>): Walk {
  const known = compiled.get(desc);
  if (known !== undefined) return known;
  const checks: Array<{ key: string; walk: Walk | undefined; list: boolean }> = [];
  const keys = new Set(desc.fields.map((f) => f.jsonName));
  const walk: Walk = (v) => {
    // Not an object: sizeEntity refuses it with its own message.
    if (typeof v !== "object" || v === null || Array.isArray(v) || v instanceof Date) return undefined;
    const obj = v as Readonly<Record<string, unknown>>;
    for (const k in obj) {
      if (!keys.has(k)) return { path: k, message: `unknown field (known: ${[...keys].join(", ")})` };
    }
    for (let i = 0; i < checks.length; i++) {
      const c = checks[i] as (typeof checks)[number];
      const fv = obj[c.key];
      if (fv === undefined) {
        // The encoder reads a missing list as empty; zod wants the array.
        if (c.list) return { path: c.key, message: "missing (a list field takes [] when empty)" };
        continue;
      }
      if (fv === null || c.walk === undefined) continue;
      if (!c.list) {
        const p = c.walk(fv);
        if (p !== undefined) return below(c.key, p);
      } else if (Array.isArray(fv)) {
        for (let j = 0; j < fv.length; j++) {
          const p = c.walk(fv[j]);
          if (p !== undefined) return below(`${c.key}.${j}`, p);
        }
      }
    }
    return undefined;
  };
  // Registered before its fields are compiled, so that a recursive message type finds itself.
  compiled.set(desc, walk);
  for (const field of desc.fields) {
    const kind = field.fieldKind === "list" ? field.listKind : field.fieldKind;
    const w = itemWalk(field, kind, compiled);
    const list = field.fieldKind === "list";
    if (w !== undefined || list) checks.push({ key: field.jsonName, walk: w, list });
  }
  return walk;
}

/** The strict check of one entity message (compile once, call per value). */
export function compileStrictCheck(desc: DescMessage): StrictCheck {
  return messageWalk(desc, new Map());
}
