// Maps one property's TypeScript type node to a field type of the manifest language, or to a diagnostic
// that says what is wrong and how to fix it. Syntax only: it never asks the TypeScript type checker.
import type { TypeNode } from "ts-morph";
import type { FieldType } from "./model.js";

type TsMorph = typeof import("ts-morph");

/** What a top-level name in the entity sources declares. */
export type DeclKind = "entity" | "manifest" | "nested" | "enum" | "team";

export interface FieldTypeProblem {
  readonly code: string;
  readonly message: string;
  readonly hint: string;
}

interface Failure {
  readonly ok: false;
  readonly problem: FieldTypeProblem;
}

export type ParsedFieldType =
  | { readonly ok: true; readonly type: FieldType; readonly repeated: boolean }
  | Failure;
type SingleResult = { readonly ok: true; readonly type: FieldType } | Failure;

const BRANDS: Readonly<Record<string, FieldType>> = Object.freeze({
  String: { kind: "wrapper", wrapper: "StringValue" },
  Boolean: { kind: "wrapper", wrapper: "BoolValue" },
  Int32: { kind: "scalar", scalar: "int32" },
  Int64: { kind: "scalar", scalar: "int64" },
  Float64: { kind: "scalar", scalar: "double" },
  Timestamp: { kind: "timestamp" },
});

const SUPPORTED =
  "string, String, boolean, Boolean, Int32, Int64, Float64, Timestamp, ComposedBy<Entity>, a TS enum, " +
  "a nested interface, or an array of one of these";

function fail(code: string, message: string, hint: string): Failure {
  return { ok: false, problem: { code, message, hint } };
}

export function parseFieldType(
  tsm: TsMorph,
  node: TypeNode,
  lookup: (name: string) => DeclKind | undefined,
): ParsedFieldType {
  const { Node, SyntaxKind } = tsm;
  let repeated = false;
  let element: TypeNode = node;
  if (Node.isTypeOperatorTypeNode(element) && element.getOperator() === SyntaxKind.ReadonlyKeyword) {
    element = element.getTypeNode();
  }
  if (Node.isArrayTypeNode(element)) {
    repeated = true;
    element = element.getElementTypeNode();
    if (Node.isArrayTypeNode(element) || Node.isTypeOperatorTypeNode(element)) {
      return fail(
        "NESTED_ARRAY",
        `arrays of arrays are not supported: ${node.getText()}`,
        "wrap the inner array in a nested interface, e.g. `rows: Row[]` with `interface Row { cells: string[] }`",
      );
    }
  }
  const single = parseSingle(tsm, element, lookup);
  return single.ok ? { ok: true, type: single.type, repeated } : single;
}

function parseSingle(
  tsm: TsMorph,
  node: TypeNode,
  lookup: (name: string) => DeclKind | undefined,
): SingleResult {
  const { Node, SyntaxKind } = tsm;
  const text = node.getText();
  switch (node.getKind()) {
    case SyntaxKind.StringKeyword:
      return { ok: true, type: { kind: "scalar", scalar: "string" } };
    case SyntaxKind.BooleanKeyword:
      return { ok: true, type: { kind: "scalar", scalar: "bool" } };
    case SyntaxKind.NumberKeyword:
      return fail(
        "BARE_NUMBER",
        "bare `number` does not say how wide the field is",
        "use Int32, Int64 or Float64 (imported from the manifest language)",
      );
    case SyntaxKind.AnyKeyword:
    case SyntaxKind.UnknownKeyword:
    case SyntaxKind.ObjectKeyword:
      return fail(
        "UNTYPED_FIELD",
        `\`${text}\` has no schema`,
        `give the field a concrete type: ${SUPPORTED}`,
      );
  }
  if (Node.isUnionTypeNode(node)) {
    const members = node.getTypeNodes().map((t) => t.getText());
    const nonNull = members.filter((m) => m !== "null" && m !== "undefined");
    let hint = "unions are not part of the manifest language; split the field or use an enum";
    if (members.includes("undefined")) hint = "mark the field optional with `?` instead of `| undefined`";
    else if (nonNull.length === 1 && nonNull[0] === "string") hint = "use `String` for a nullable string";
    else if (nonNull.length === 1 && nonNull[0] === "boolean") hint = "use `Boolean` for a nullable boolean";
    return fail("UNION_TYPE", `union type \`${text}\` is not supported`, hint);
  }
  if (Node.isTypeLiteral(node)) {
    return fail(
      "INLINE_OBJECT",
      "inline object types are not supported",
      "declare a named interface (a nested message) and use its name",
    );
  }
  if (!Node.isTypeReference(node)) {
    return fail("UNSUPPORTED_TYPE", `type \`${text}\` is not supported`, `use ${SUPPORTED}`);
  }
  const typeName = node.getTypeName();
  if (!Node.isIdentifier(typeName)) {
    return fail(
      "UNSUPPORTED_TYPE",
      `qualified type \`${text}\` is not supported`,
      "import the type by name, or use an enum type (not one of its members)",
    );
  }
  const name = typeName.getText();
  const args = node.getTypeArguments();
  if (name === "ComposedBy") {
    const target = args[0];
    if (args.length !== 1 || target === undefined || !Node.isTypeReference(target)) {
      return fail(
        "INVALID_REFERENCE",
        `\`${text}\` must name exactly one entity`,
        "write ComposedBy<OtherEntity>",
      );
    }
    const targetName = target.getTypeName().getText();
    if (lookup(targetName) !== "entity") {
      return fail(
        "INVALID_REFERENCE",
        `ComposedBy target \`${targetName}\` is not an entity`,
        "ComposedBy<T> takes an interface that extends Entity; for a value owned by this entity use a nested interface",
      );
    }
    return { ok: true, type: { kind: "ref", entity: targetName } };
  }
  if (args.length > 0) {
    const hint =
      name === "Array" || name === "ReadonlyArray"
        ? "write the element type with brackets: `T[]`"
        : "generics other than ComposedBy<T> are not part of the manifest language; declare a named interface";
    return fail("GENERIC_TYPE", `generic type \`${text}\` is not supported`, hint);
  }
  const brand = BRANDS[name];
  if (brand !== undefined) return { ok: true, type: brand };
  switch (lookup(name)) {
    case "enum":
      return { ok: true, type: { kind: "enum", name } };
    case "nested":
      return { ok: true, type: { kind: "message", name } };
    case "entity":
      return fail(
        "EMBEDDED_ENTITY",
        `field embeds the entity \`${name}\``,
        `entities are referenced, not embedded: use ComposedBy<${name}>`,
      );
    case "manifest":
    case "team":
      return fail(
        "UNSUPPORTED_TYPE",
        `\`${name}\` describes ownership and cannot be a field type`,
        `use ${SUPPORTED}`,
      );
    default: {
      const hint =
        name === "Date"
          ? "use Timestamp"
          : `declare \`${name}\` as an interface or enum under schemas/entities, or use ${SUPPORTED}`;
      return fail("UNKNOWN_TYPE", `unknown type \`${name}\``, hint);
    }
  }
}
