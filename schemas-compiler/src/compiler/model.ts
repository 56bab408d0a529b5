// The schema model: what the parser reads from entity manifests and what the numbering step resolves
// against the lockfile. Plain values only, so the emitters, the check and the tests can share it.
import type { EntityStatus } from "@facsimile/schemas";

export type ScalarKind = "string" | "bool" | "int32" | "int64" | "double";
export type WrapperKind = "StringValue" | "BoolValue";

/** What a field holds, before cardinality (`repeated`) and presence (`optional`). */
export type FieldType =
  | { readonly kind: "scalar"; readonly scalar: ScalarKind }
  | { readonly kind: "wrapper"; readonly wrapper: WrapperKind }
  | { readonly kind: "timestamp" }
  | { readonly kind: "ref"; readonly entity: string }
  | { readonly kind: "message"; readonly name: string }
  | { readonly kind: "enum"; readonly name: string };

export interface SourceLocation {
  /** Path relative to the schemas folder, e.g. "entities/jira-issue.ts". */
  readonly file: string;
  readonly line: number;
}

export interface ParsedField extends SourceLocation {
  /** The TypeScript property name, which is also the plain value key and the proto JSON name. */
  readonly tsName: string;
  /** The proto field name (lower_snake_case of tsName), the lockfile key. */
  readonly protoName: string;
  readonly type: FieldType;
  readonly repeated: boolean;
  readonly optional: boolean;
  readonly deprecated: boolean;
}

export interface ParsedMessage extends SourceLocation {
  /** Interface name; for the entity's own message the entity name. */
  readonly name: string;
  readonly fields: readonly ParsedField[];
}

export interface ParsedEnumValue extends SourceLocation {
  readonly name: string;
  readonly deprecated: boolean;
}

export interface ParsedEnum extends SourceLocation {
  readonly name: string;
  readonly values: readonly ParsedEnumValue[];
}

export interface ParsedEntity extends SourceLocation {
  readonly name: string;
  /** A member of the Team enum, or undefined when the manifest or its owner is missing or unknown. */
  readonly owner: string | undefined;
  readonly status: EntityStatus;
  /** Where the manifest is, when there is one. */
  readonly manifest: SourceLocation | undefined;
  /** The entity's own message first, then the nested messages it reaches, in first-use order. */
  readonly messages: readonly ParsedMessage[];
  /** Enums the entity's messages use, in first-use order. */
  readonly enums: readonly ParsedEnum[];
}

export interface ParsedSchema {
  /** Sorted by name. */
  readonly entities: readonly ParsedEntity[];
  readonly teams: readonly string[];
}

export interface NumberedField extends ParsedField {
  readonly number: number;
}

export interface Retired {
  readonly name: string;
  readonly number: number;
}

export interface NumberedMessage extends Omit<ParsedMessage, "fields"> {
  readonly fields: readonly NumberedField[];
  /** Retired (name, number) pairs from the lockfile: emitted as `reserved`. */
  readonly retired: readonly Retired[];
}

export interface NumberedEnumValue extends ParsedEnumValue {
  readonly number: number;
}

export interface NumberedEnum extends Omit<ParsedEnum, "values"> {
  readonly values: readonly NumberedEnumValue[];
  readonly retired: readonly Retired[];
}

export interface NumberedEntity extends Omit<ParsedEntity, "messages" | "enums"> {
  readonly entityType: number;
  readonly messages: readonly NumberedMessage[];
  readonly enums: readonly NumberedEnum[];
}

export interface SchemaModel {
  readonly entities: readonly NumberedEntity[];
  readonly teams: readonly string[];
}
