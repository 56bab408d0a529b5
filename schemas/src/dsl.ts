// The entity manifest language: the types that `schemas/entities/*.ts` import to describe an entity.
// These declarations carry no runtime behaviour; the compiler recognises them by name in the syntax tree.
// Never add a type here without teaching the compiler (compiler/parse-field-type.ts) what it maps to.

/** Marker base of every entity interface: `interface JiraIssue extends Entity { ... }`. */
// biome-ignore lint/suspicious/noEmptyInterface: a marker the compiler looks for in `extends` clauses.
export interface Entity {}

/** Lifecycle of an entity: ACTIVE -> DEPRECATED -> removed. */
export enum EntityState {
  ACTIVE = "ACTIVE",
  DEPRECATED = "DEPRECATED",
}

/**
 * Base of every manifest: `interface JiraIssueManifest extends Manifest { owner: Team.X; status: EntityState.ACTIVE }`.
 * `owner` is a member of the closed `Team` enum in `schemas/entities/team.ts`.
 */
export interface Manifest {
  owner: unknown;
  status: EntityState;
}

declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

/** Nullable string: google.protobuf.StringValue. Plain value `string | null`. */
export type String = Brand<string | null, "String">;
/** Nullable boolean: google.protobuf.BoolValue. Plain value `boolean | null`. */
export type Boolean = Brand<boolean | null, "Boolean">;
/** proto int32. Plain value `number` (an integer in the int32 range). */
export type Int32 = Brand<number, "Int32">;
/** proto int64. Plain value `bigint | number` on input, `bigint` when decoded. */
export type Int64 = Brand<bigint | number, "Int64">;
/** proto double. Plain value `number`. */
export type Float64 = Brand<number, "Float64">;
/** google.protobuf.Timestamp. Plain value `Date`. */
export type Timestamp = Brand<Date, "Timestamp">;
/** A reference to another entity: a facsimile.v1.Ari. Plain value: the ARI string. */
export type ComposedBy<T extends Entity> = Brand<string, "ComposedBy"> & { readonly __target?: T };
