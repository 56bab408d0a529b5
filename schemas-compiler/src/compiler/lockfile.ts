// The committed lockfile (schemas/facsimile.lock.json): entity type ids, field numbers and enum value numbers.
// Numbers are handed out from monotonic `next` cursors and kept forever; removed names move to `retired`
// and their numbers are never handed out again. This module reads, validates and writes it; it must never
// renumber anything (that is assign-numbers.ts's job, and it only ever appends).
import type { Diagnostic } from "../compile-errors.js";
import type { Retired } from "./model.js";

export const LOCKFILE_NAME = "facsimile.lock.json";

export interface LockMessage {
  readonly next: number;
  readonly fields: Readonly<Record<string, number>>;
  readonly retired: readonly Retired[];
}

export interface LockEnum {
  readonly next: number;
  readonly values: Readonly<Record<string, number>>;
  readonly retired: readonly Retired[];
}

export interface LockEntity {
  readonly entityType: number;
  /** Set once the entity is removed from the sources; its numbers stay retired. */
  readonly removed?: true;
  readonly messages: Readonly<Record<string, LockMessage>>;
  readonly enums: Readonly<Record<string, LockEnum>>;
}

export interface Lockfile {
  readonly version: 1;
  readonly nextEntityType: number;
  readonly entities: Readonly<Record<string, LockEntity>>;
}

export const EMPTY_LOCKFILE: Lockfile = Object.freeze({
  version: 1,
  nextEntityType: 1,
  entities: Object.freeze({}),
});

/** Proto field numbers 19000-19999 are reserved by protobuf itself. */
export const PROTO_RESERVED_RANGE = Object.freeze({ start: 19000, end: 19999 });
export const PROTO_MAX_FIELD_NUMBER = 536_870_911;

/** Parses and validates; a lockfile that is not even shaped right is a LOCKFILE_INVALID diagnostic. */
export function parseLockfile(
  text: string | undefined,
  file = LOCKFILE_NAME,
): { lockfile: Lockfile; diagnostics: Diagnostic[] } {
  if (text === undefined) return { lockfile: EMPTY_LOCKFILE, diagnostics: [] };
  const invalid = (message: string): { lockfile: Lockfile; diagnostics: Diagnostic[] } => ({
    lockfile: EMPTY_LOCKFILE,
    diagnostics: [
      {
        code: "LOCKFILE_INVALID",
        message,
        hint: `restore ${file} from git and run \`facsimile schemas compile\`; never edit numbers by hand`,
        file,
        line: 1,
      },
    ],
  });
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return invalid(`not JSON: ${(err as Error).message}`);
  }
  const problem = shapeProblem(raw);
  if (problem !== undefined) return invalid(problem);
  const lockfile = raw as Lockfile;
  return { lockfile, diagnostics: consistencyProblems(lockfile, text, file) };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isPositiveInt(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v > 0;
}

function tableProblem(where: string, t: unknown, key: "fields" | "values"): string | undefined {
  if (!isRecord(t) || !isPositiveInt(t.next) || !isRecord(t[key]) || !Array.isArray(t.retired)) {
    return `${where} must be { next, ${key}, retired }`;
  }
  for (const [name, n] of Object.entries(t[key] as Record<string, unknown>)) {
    if (!isPositiveInt(n)) return `${where}.${key}.${name} must be a positive integer`;
  }
  for (const r of t.retired as unknown[]) {
    if (!isRecord(r) || typeof r.name !== "string" || !isPositiveInt(r.number)) {
      return `${where}.retired entries must be { name, number }`;
    }
  }
  return undefined;
}

function shapeProblem(raw: unknown): string | undefined {
  if (!isRecord(raw) || raw.version !== 1) return "expected { version: 1, nextEntityType, entities }";
  if (!isPositiveInt(raw.nextEntityType)) return "nextEntityType must be a positive integer";
  if (!isRecord(raw.entities)) return "entities must be an object";
  for (const [name, e] of Object.entries(raw.entities)) {
    if (!isRecord(e) || !isPositiveInt(e.entityType) || !isRecord(e.messages) || !isRecord(e.enums)) {
      return `entities.${name} must be { entityType, messages, enums }`;
    }
    if (e.removed !== undefined && e.removed !== true)
      return `entities.${name}.removed must be true or absent`;
    for (const [m, t] of Object.entries(e.messages)) {
      const p = tableProblem(`entities.${name}.messages.${m}`, t, "fields");
      if (p !== undefined) return p;
    }
    for (const [m, t] of Object.entries(e.enums)) {
      const p = tableProblem(`entities.${name}.enums.${m}`, t, "values");
      if (p !== undefined) return p;
    }
  }
  return undefined;
}

/** The line of the first occurrence of `needle` after the line of `after` (1-based; 1 when absent). */
export function lineOf(text: string, needle: string, after?: string): number {
  let from = 0;
  if (after !== undefined) {
    const a = text.indexOf(after);
    if (a >= 0) from = a;
  }
  const i = text.indexOf(needle, from);
  if (i < 0) return 1;
  let line = 1;
  for (let k = 0; k < i; k++) if (text.charCodeAt(k) === 10) line++;
  return line;
}

/** Numbers used twice, numbers at or past the cursor: a hand edit that would break the promise. */
function consistencyProblems(lock: Lockfile, text: string, file: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const types = new Map<number, string>();
  for (const [name, e] of Object.entries(lock.entities)) {
    const at = { file, line: lineOf(text, `"${name}"`) };
    const other = types.get(e.entityType);
    if (other !== undefined) {
      out.push({
        ...at,
        entity: name,
        code: "LOCKFILE_INCONSISTENT",
        message: `entity type ${e.entityType} is used by both ${other} and ${name}`,
        hint: "entity type ids are never reused: restore the lockfile from git and recompile",
        rule: "ENTITY_TYPE_STABLE",
      });
    }
    types.set(e.entityType, name);
    if (e.entityType >= lock.nextEntityType) {
      out.push({
        ...at,
        entity: name,
        code: "LOCKFILE_INCONSISTENT",
        message: `entity type ${e.entityType} of ${name} is not below nextEntityType ${lock.nextEntityType}`,
        hint: "cursors only move forward: restore the lockfile from git and recompile",
        rule: "LOCKFILE_APPEND_ONLY",
      });
    }
    const tables: [string, number, Record<string, number>, readonly Retired[]][] = [
      ...Object.entries(e.messages).map(
        ([m, t]) =>
          [`${name}.${m}`, t.next, t.fields, t.retired] as [
            string,
            number,
            Record<string, number>,
            readonly Retired[],
          ],
      ),
      ...Object.entries(e.enums).map(
        ([m, t]) =>
          [`${name}.${m}`, t.next, t.values, t.retired] as [
            string,
            number,
            Record<string, number>,
            readonly Retired[],
          ],
      ),
    ];
    for (const [where, next, active, retired] of tables) {
      const seen = new Map<number, string>();
      for (const [n, num] of [
        ...Object.entries(active),
        ...retired.map((r) => [r.name, r.number] as const),
      ]) {
        const prev = seen.get(num);
        if (prev !== undefined) {
          out.push({
            ...at,
            line: lineOf(text, `"${n}"`, `"${name}"`),
            entity: name,
            code: "LOCKFILE_INCONSISTENT",
            message: `${where}: number ${num} is held by both \`${prev}\` and \`${n}\``,
            hint: "a number belongs to one name forever: restore the lockfile from git and recompile",
            rule: "FIELD_NUMBER_NO_REUSE",
          });
        }
        seen.set(num, n);
        if (num >= next) {
          out.push({
            ...at,
            line: lineOf(text, `"${n}"`, `"${name}"`),
            entity: name,
            code: "LOCKFILE_INCONSISTENT",
            message: `${where}: number ${num} of \`${n}\` is not below the cursor ${next}`,
            hint: "cursors only move forward: restore the lockfile from git and recompile",
            rule: "LOCKFILE_APPEND_ONLY",
          });
        }
      }
    }
  }
  return out;
}

/** Stable text: entities, messages and enums sorted by name, numbers in ascending order. */
export function serializeLockfile(lock: Lockfile): string {
  const byName = <T>(r: Readonly<Record<string, T>>): [string, T][] =>
    Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const byNumber = (r: Readonly<Record<string, number>>): Record<string, number> =>
    Object.fromEntries(Object.entries(r).sort(([, a], [, b]) => a - b));
  const retired = (rs: readonly Retired[]): Retired[] =>
    [...rs].sort((a, b) => a.number - b.number).map((r) => ({ name: r.name, number: r.number }));
  const entities = Object.fromEntries(
    byName(lock.entities).map(([name, e]) => [
      name,
      {
        entityType: e.entityType,
        ...(e.removed === true ? { removed: true } : {}),
        messages: Object.fromEntries(
          byName(e.messages).map(([m, t]) => [
            m,
            { next: t.next, fields: byNumber(t.fields), retired: retired(t.retired) },
          ]),
        ),
        enums: Object.fromEntries(
          byName(e.enums).map(([m, t]) => [
            m,
            { next: t.next, values: byNumber(t.values), retired: retired(t.retired) },
          ]),
        ),
      },
    ]),
  );
  return `${JSON.stringify({ version: 1, nextEntityType: lock.nextEntityType, entities }, null, 2)}\n`;
}
