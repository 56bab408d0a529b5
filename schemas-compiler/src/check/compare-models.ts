// Compares the numbered schema model of the base revision with the working tree's, entity by entity and
// field by field, and reports every expand-contract rule the change breaks. Pure: no git, no disk.
import type { Lockfile } from "../compiler/lockfile.js";
import type {
  FieldType,
  NumberedEntity,
  NumberedEnum,
  NumberedField,
  NumberedMessage,
  SourceLocation,
} from "../compiler/model.js";
import { describeFieldType } from "../compiler/proto-types.js";
import type { Finding, RuleId } from "./rules.js";

export interface ModelSide {
  readonly entities: readonly NumberedEntity[];
  /** The lockfile as committed on this side. */
  readonly lockfile: Lockfile;
}

/** Turns a schemas-relative location into a repository-relative one. */
export type Locate = (at: SourceLocation) => { file: string; line: number };

function sameType(a: FieldType, b: FieldType): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function fieldId(entity: string, message: string, field: string): string {
  return message === entity ? field : `${message}.${field}`;
}

export function compareModels(base: ModelSide, head: ModelSide, locate: Locate): Finding[] {
  const out: Finding[] = [];
  const add = (
    rule: RuleId,
    at: SourceLocation,
    entity: string,
    field: string | undefined,
    message: string,
    hint: string,
  ) => out.push({ rule, entity, ...(field === undefined ? {} : { field }), message, hint, ...locate(at) });
  const baseByName = new Map(base.entities.map((e) => [e.name, e]));
  const headByName = new Map(head.entities.map((e) => [e.name, e]));

  for (const b of base.entities) {
    if (headByName.has(b.name) || b.status === "DEPRECATED") continue;
    add(
      "ENTITY_DELETE_REQUIRES_DEPRECATED",
      b,
      b.name,
      undefined,
      `entity ${b.name} was removed while ${b.status} in the base`,
      `contract in two steps: first set ${b.name}Manifest.status to EntityState.DEPRECATED and merge; remove it later`,
    );
  }
  for (const h of head.entities) {
    const b = baseByName.get(h.name);
    if (b === undefined) {
      if (base.lockfile.entities[h.name]?.removed === true) {
        add(
          "ENTITY_LIFECYCLE",
          h,
          h.name,
          undefined,
          `entity ${h.name} was removed earlier and is declared again`,
          "a removed entity stays removed (old data and ids still refer to it): choose a new name",
        );
      } else if (h.status === "DEPRECATED") {
        add(
          "ENTITY_LIFECYCLE",
          h.manifest ?? h,
          h.name,
          undefined,
          `new entity ${h.name} starts DEPRECATED`,
          "a new entity starts ACTIVE",
        );
      }
      continue;
    }
    compareEntity(b, h, add);
  }
  return out;
}

type Add = (
  rule: RuleId,
  at: SourceLocation,
  entity: string,
  field: string | undefined,
  message: string,
  hint: string,
) => void;

function compareEntity(b: NumberedEntity, h: NumberedEntity, add: Add): void {
  if (b.status === "DEPRECATED" && h.status === "ACTIVE") {
    add(
      "ENTITY_LIFECYCLE",
      h.manifest ?? h,
      h.name,
      undefined,
      `entity ${h.name} went from DEPRECATED back to ACTIVE`,
      "the lifecycle is ACTIVE -> DEPRECATED -> removed; declare a new entity if it is needed again",
    );
  }
  const deprecated = b.status === "DEPRECATED" || h.status === "DEPRECATED";
  const baseMessages = new Map(b.messages.map((m) => [m.name, m]));
  for (const hm of h.messages) {
    const bm = baseMessages.get(hm.name);
    if (bm !== undefined) compareMessage(h.name, bm, hm, deprecated, add);
    else if (deprecated) {
      for (const f of hm.fields) lifecycleAdd(h.name, hm.name, f, add);
    }
  }
  const baseEnums = new Map(b.enums.map((e) => [e.name, e]));
  for (const he of h.enums) {
    const be = baseEnums.get(he.name);
    if (be !== undefined) compareEnum(h.name, be, he, add);
  }
}

function lifecycleAdd(entity: string, message: string, f: NumberedField, add: Add): void {
  add(
    "ENTITY_LIFECYCLE",
    f,
    entity,
    fieldId(entity, message, f.protoName),
    `DEPRECATED entity ${entity} gains field ${message}.${f.tsName}`,
    "a DEPRECATED entity is on its way out: add the field to its successor instead",
  );
}

function compareMessage(
  entity: string,
  bm: NumberedMessage,
  hm: NumberedMessage,
  deprecated: boolean,
  add: Add,
) {
  const baseFields = new Map(bm.fields.map((f) => [f.protoName, f]));
  const headNames = new Set(hm.fields.map((f) => f.protoName));
  const baseNumberOwner = new Map<number, string>([
    ...bm.fields.map((f) => [f.number, f.protoName] as const),
    ...bm.retired.map((r) => [r.number, r.name] as const),
  ]);
  const baseRetiredNames = new Set(bm.retired.map((r) => r.name));
  for (const f of hm.fields) {
    const id = fieldId(entity, hm.name, f.protoName);
    const label = `${hm.name}.${f.tsName}`;
    const owner = baseNumberOwner.get(f.number);
    if (owner !== undefined && owner !== f.protoName) {
      add(
        "FIELD_NUMBER_NO_REUSE",
        f,
        entity,
        id,
        `${label} takes number ${f.number}, which belonged to \`${owner}\` in the base`,
        "never edit numbers in the lockfile: restore it from the base and run `facsimile schemas compile`",
      );
    }
    const bf = baseFields.get(f.protoName);
    if (bf === undefined) {
      if (baseRetiredNames.has(f.protoName)) {
        add(
          "FIELD_NAME_NO_REUSE",
          f,
          entity,
          id,
          `${label} reuses the name of a removed field`,
          "old JSON and old tables read this name with the removed field's meaning: pick a new name",
        );
      }
      if (deprecated) lifecycleAdd(entity, hm.name, f, add);
      continue;
    }
    if (bf.number !== f.number) {
      add(
        "FIELD_NUMBER_STABLE",
        f,
        entity,
        id,
        `${label} changed number from ${bf.number} to ${f.number}`,
        "restore the lockfile entry: a field's number never changes",
      );
    }
    if (!sameType(bf.type, f.type)) {
      add(
        "FIELD_SAME_TYPE",
        f,
        entity,
        id,
        `${label} changed type from ${describeFieldType(bf.type)} to ${describeFieldType(f.type)}`,
        "expand-contract: add a new field with the new type, migrate producers, deprecate this one",
      );
    }
    if (bf.repeated !== f.repeated) {
      add(
        "FIELD_SAME_CARDINALITY",
        f,
        entity,
        id,
        `${label} changed from ${bf.repeated ? "an array" : "a single value"} to ${f.repeated ? "an array" : "a single value"}`,
        "add a new field with the new cardinality and deprecate this one",
      );
    } else if (!f.repeated && bf.optional !== f.optional) {
      add(
        "FIELD_SAME_ONEOF",
        f,
        entity,
        id,
        `${label} ${f.optional ? "became optional (`?`)" : "is no longer optional (`?`)"}`,
        "proto3 optional wraps the field in a oneof: add a new field instead of toggling `?`",
      );
    }
    if (bf.tsName !== f.tsName) {
      add(
        "FIELD_SAME_JSON_NAME",
        f,
        entity,
        id,
        `${hm.name}.${bf.tsName} was renamed to ${f.tsName} (same proto name ${f.protoName})`,
        "the TS name is the JSON name and the producer key: keep it",
      );
    }
  }
  for (const bf of bm.fields) {
    if (headNames.has(bf.protoName) || bf.deprecated) continue;
    add(
      "FIELD_DELETE_REQUIRES_DEPRECATED",
      hm,
      entity,
      fieldId(entity, bm.name, bf.protoName),
      `${bm.name}.${bf.tsName} was removed without being @deprecated in the base`,
      `contract in two steps: mark it \`/** @deprecated <why> */\`, merge, migrate readers, then remove it (a rename is a removal plus an addition)`,
    );
  }
}

function compareEnum(entity: string, be: NumberedEnum, he: NumberedEnum, add: Add): void {
  const baseValues = new Map(be.values.map((v) => [v.name, v]));
  const headNames = new Set(he.values.map((v) => v.name));
  const owners = new Map<number, string>([
    ...be.values.map((v) => [v.number, v.name] as const),
    ...be.retired.map((r) => [r.number, r.name] as const),
  ]);
  for (const v of he.values) {
    const id = `${he.name}.${v.name}`;
    const bv = baseValues.get(v.name);
    const owner = owners.get(v.number);
    if (bv !== undefined && bv.number !== v.number) {
      add(
        "ENUM_VALUE_STABLE",
        v,
        entity,
        id,
        `${id} changed number from ${bv.number} to ${v.number}`,
        "restore the lockfile entry: an enum value's number never changes",
      );
    } else if (owner !== undefined && owner !== v.name) {
      add(
        "ENUM_VALUE_STABLE",
        v,
        entity,
        id,
        `${id} takes number ${v.number}, which belonged to ${he.name}.${owner} in the base`,
        "never edit numbers in the lockfile: restore it and run `facsimile schemas compile`",
      );
    }
  }
  for (const bv of be.values) {
    if (headNames.has(bv.name) || bv.deprecated) continue;
    add(
      "ENUM_VALUE_DELETE_REQUIRES_DEPRECATED",
      he,
      entity,
      `${be.name}.${bv.name}`,
      `enum value ${be.name}.${bv.name} was removed without being @deprecated in the base`,
      "mark the value `/** @deprecated */`, merge, stop producing it, then remove it",
    );
  }
}
