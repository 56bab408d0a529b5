// The expand-contract rules `facsimile schemas check` enforces. Ids are stable strings: CI configs,
// overrides and dashboards key on them, so a rule is never renamed or given a new meaning.

export const RULES = Object.freeze({
  FIELD_NUMBER_STABLE: "a field keeps its number forever",
  FIELD_NUMBER_NO_REUSE: "a number once used (live or retired) is never given to another field",
  FIELD_NAME_NO_REUSE:
    "a removed field's name is not taken by a new field (its JSON name would change meaning)",
  RETIRED_NO_DELETE: "retired numbers stay in the lockfile",
  FIELD_SAME_TYPE: "a field keeps its type",
  FIELD_SAME_CARDINALITY: "a field stays singular or repeated",
  FIELD_SAME_ONEOF: "a field keeps its presence (optional `?` or not): proto3 optional is a oneof",
  FIELD_SAME_JSON_NAME: "a field keeps its TypeScript name (its proto JSON name)",
  ENUM_VALUE_STABLE: "an enum value keeps its number, and numbers are never reused",
  ENUM_VALUE_DELETE_REQUIRES_DEPRECATED: "an enum value is removed only if it was @deprecated in the base",
  FIELD_DELETE_REQUIRES_DEPRECATED: "a field is removed only if it was @deprecated in the base",
  ENTITY_DELETE_REQUIRES_DEPRECATED: "an entity is removed only if it was DEPRECATED in the base",
  ENTITY_LIFECYCLE: "ACTIVE -> DEPRECATED -> removed, never back; a DEPRECATED entity gains no fields",
  ENTITY_TYPE_STABLE: "an entity keeps its entity_type id forever",
  OWNER_REQUIRED: "every entity has a manifest whose owner is a member of the Team enum",
  LOCKFILE_APPEND_ONLY: "the lockfile only grows: no entry disappears, no cursor moves back",
  GENERATED_UP_TO_DATE: "the lockfile and generated files are what `facsimile schemas compile` produces",
} as const);

export type RuleId = keyof typeof RULES;

export const RULE_IDS: readonly RuleId[] = Object.freeze(Object.keys(RULES) as RuleId[]);

export function isRuleId(value: string): value is RuleId {
  return Object.hasOwn(RULES, value);
}

/** One rule broken at one place. */
export interface Finding {
  readonly rule: RuleId;
  readonly entity?: string;
  /**
   * The field or value the finding is about, relative to the entity: a proto field name of the entity's
   * message (`vote_count`), `<Nested>.<field>` for a nested message, `<Enum>.<VALUE>` for an enum value.
   */
  readonly field?: string;
  readonly message: string;
  readonly hint: string;
  /** Path relative to the repository root. */
  readonly file: string;
  readonly line: number;
}
