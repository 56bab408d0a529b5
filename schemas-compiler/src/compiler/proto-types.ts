// How a field type of the manifest language is spelled in proto, and which imports it needs.
// Shared by the .proto emitter and the descriptor emitter so the two can never disagree.
import { ENTITY_PACKAGE, ENVELOPE_PACKAGE } from "@facsimile/schemas";
import type { FieldType } from "./model.js";

export const ENVELOPE_PROTO_PATH = "facsimile/v1/envelope.proto";
export const TIMESTAMP_PROTO_PATH = "google/protobuf/timestamp.proto";
export const WRAPPERS_PROTO_PATH = "google/protobuf/wrappers.proto";
export const ANY_PROTO_PATH = "google/protobuf/any.proto";

/** The type as written in a .proto file inside the entity message `entity`. */
export function protoTypeName(type: FieldType): string {
  switch (type.kind) {
    case "scalar":
      return type.scalar;
    case "wrapper":
      return `google.protobuf.${type.wrapper}`;
    case "timestamp":
      return "google.protobuf.Timestamp";
    case "ref":
      return `${ENVELOPE_PACKAGE}.Ari`;
    case "message":
    case "enum":
      return type.name;
  }
}

/** Fully-qualified name with a leading dot, as descriptors hold it; nested types live in the entity message. */
export function qualifiedTypeName(type: FieldType, entity: string): string | undefined {
  switch (type.kind) {
    case "scalar":
      return undefined;
    case "wrapper":
      return `.google.protobuf.${type.wrapper}`;
    case "timestamp":
      return ".google.protobuf.Timestamp";
    case "ref":
      return `.${ENVELOPE_PACKAGE}.Ari`;
    case "message":
    case "enum":
      return `.${ENTITY_PACKAGE}.${entity}.${type.name}`;
  }
}

export function importFor(type: FieldType): string | undefined {
  switch (type.kind) {
    case "wrapper":
      return WRAPPERS_PROTO_PATH;
    case "timestamp":
      return TIMESTAMP_PROTO_PATH;
    case "ref":
      return ENVELOPE_PROTO_PATH;
    default:
      return undefined;
  }
}

/** A readable spelling for messages about a field type (check output, diagnostics). */
export function describeFieldType(type: FieldType): string {
  switch (type.kind) {
    case "scalar":
      return { string: "string", bool: "boolean", int32: "Int32", int64: "Int64", double: "Float64" }[
        type.scalar
      ];
    case "wrapper":
      return type.wrapper === "StringValue" ? "String" : "Boolean";
    case "timestamp":
      return "Timestamp";
    case "ref":
      return `ComposedBy<${type.entity}>`;
    case "message":
    case "enum":
      return type.name;
  }
}
