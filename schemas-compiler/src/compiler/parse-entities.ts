// Reads entity manifests (TypeScript sources under schemas/entities) into the schema model with ts-morph.
// Syntax only, no type checker: a compile of hundreds of entities stays fast, and a base revision read out
// of git compiles the same way as the working tree. Every problem becomes a diagnostic with file:line.

import type { EntityStatus } from "@facsimile/schemas";
import { toSnakeCase } from "@facsimile/schemas";
import type { EnumDeclaration, InterfaceDeclaration, SourceFile } from "ts-morph";
import type { Diagnostic } from "../compile-errors.js";
import type {
  ParsedEntity,
  ParsedEnum,
  ParsedField,
  ParsedMessage,
  ParsedSchema,
  SourceLocation,
} from "./model.js";
import { parseEnum } from "./parse-enum.js";
import { type DeclKind, parseFieldType } from "./parse-field-type.js";
import { parseManifest } from "./parse-manifest.js";

export interface ParseResult {
  readonly schema: ParsedSchema;
  readonly diagnostics: readonly Diagnostic[];
}

type TsMorph = typeof import("ts-morph");

const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const TYPE_NAME = /^[A-Z][A-Za-z0-9]*$/;

/** `sources`: path relative to the schemas folder (e.g. "entities/jira-issue.ts") -> file text. */
export async function parseEntities(sources: ReadonlyMap<string, string>): Promise<ParseResult> {
  // ts-morph pulls in the TypeScript compiler: load it only when compiling, never for runtime consumers.
  const tsm: TsMorph = await import("ts-morph");
  const project = new tsm.Project({
    useInMemoryFileSystem: true,
    skipLoadingLibFiles: true,
    compilerOptions: { noLib: true, noResolve: true },
  });
  const diagnostics: Diagnostic[] = [];
  const report: Report = (at, code, message, hint, rule, entity) => {
    diagnostics.push({
      ...at,
      code,
      message,
      hint,
      ...(rule === undefined ? {} : { rule }),
      ...(entity === undefined ? {} : { entity }),
    });
  };

  const interfaces = new Map<string, { decl: InterfaceDeclaration; at: SourceLocation }>();
  const enums = new Map<string, { decl: EnumDeclaration; at: SourceLocation }>();
  const kinds = new Map<string, DeclKind>();
  const paths = [...sources.keys()].sort();
  for (const path of paths) {
    const sf: SourceFile = project.createSourceFile(`/${path}`, sources.get(path) ?? "");
    const declare = (name: string, at: SourceLocation): boolean => {
      if (!kinds.has(name)) return true;
      report(
        at,
        "DUPLICATE_NAME",
        `\`${name}\` is declared more than once`,
        "every interface and enum under schemas/entities shares one namespace: rename one of them",
      );
      return false;
    };
    for (const decl of sf.getInterfaces()) {
      const at = { file: path, line: decl.getStartLineNumber() };
      const name = decl.getName();
      if (!declare(name, at)) continue;
      const kind = interfaceKind(decl, at, report);
      if (kind === undefined) continue;
      kinds.set(name, kind);
      interfaces.set(name, { decl, at });
    }
    for (const decl of sf.getEnums()) {
      const at = { file: path, line: decl.getStartLineNumber() };
      const name = decl.getName();
      if (!declare(name, at)) continue;
      kinds.set(name, name === "Team" ? "team" : "enum");
      enums.set(name, { decl, at });
    }
    for (const alias of sf.getTypeAliases()) {
      report(
        { file: path, line: alias.getStartLineNumber() },
        "TYPE_ALIAS",
        `type alias \`${alias.getName()}\` is not part of the manifest language`,
        "declare an interface (a nested message) or an enum instead",
      );
    }
  }

  const teamEnum = enums.get("Team");
  const teams = teamEnum === undefined ? [] : teamEnum.decl.getMembers().map((m) => m.getName());
  const parsedEnums = new Map<string, ParsedEnum>();
  for (const [name, { decl, at }] of enums) {
    if (name !== "Team") parsedEnums.set(name, parseEnum(tsm, decl, at.file, report));
  }

  const entities: ParsedEntity[] = [];
  for (const [name, { at }] of interfaces) {
    const kind = kinds.get(name);
    if (kind === "manifest") {
      const entityName = name.slice(0, -"Manifest".length);
      if (kinds.get(entityName) !== "entity") {
        report(
          at,
          "ORPHAN_MANIFEST",
          `manifest \`${name}\` has no entity \`${entityName}\``,
          `declare \`interface ${entityName} extends Entity\` or rename the manifest`,
        );
      }
      continue;
    }
    if (kind !== "entity") continue;
    if (!TYPE_NAME.test(name)) {
      report(at, "INVALID_NAME", `entity name \`${name}\` is not PascalCase`, "rename it, e.g. JiraIssue");
      continue;
    }
    const manifestDecl = interfaces.get(`${name}Manifest`);
    const manifest =
      manifestDecl === undefined
        ? undefined
        : parseManifest(tsm, manifestDecl.decl, manifestDecl.at, teams, (a, c, m, h, r) =>
            report(a, c, m, h, r, name),
          );
    if (manifestDecl === undefined) {
      report(
        at,
        "MISSING_MANIFEST",
        `entity \`${name}\` has no manifest`,
        `add \`export interface ${name}Manifest extends Manifest { owner: Team.<TEAM>; status: EntityState.ACTIVE }\``,
        "OWNER_REQUIRED",
        name,
      );
    }
    const collected = collectMessages(tsm, name, interfaces, kinds, parsedEnums, report);
    entities.push({
      name,
      ...at,
      owner: manifest?.owner,
      status: manifest?.status ?? ("ACTIVE" satisfies EntityStatus),
      manifest: manifestDecl?.at,
      messages: collected.messages,
      enums: collected.enums,
    });
  }
  entities.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { schema: { entities, teams }, diagnostics };
}

type Report = (
  at: SourceLocation,
  code: string,
  message: string,
  hint: string,
  rule?: string,
  entity?: string,
) => void;

function interfaceKind(decl: InterfaceDeclaration, at: SourceLocation, report: Report): DeclKind | undefined {
  const name = decl.getName();
  if (decl.getTypeParameters().length > 0) {
    report(
      at,
      "GENERIC_TYPE",
      `interface \`${name}\` has type parameters`,
      "entities and nested interfaces are concrete: remove the type parameters",
    );
    return undefined;
  }
  const bases = decl.getExtends().map((e) => e.getText());
  if (bases.length === 0) return "nested";
  if (bases.length === 1 && bases[0] === "Entity") return "entity";
  if (bases.length === 1 && bases[0] === "Manifest") {
    if (name.endsWith("Manifest") && name.length > "Manifest".length) return "manifest";
    report(
      at,
      "INVALID_NAME",
      `manifest \`${name}\` must be named after its entity`,
      "name the manifest of entity X `XManifest`",
    );
    return undefined;
  }
  report(
    at,
    "UNSUPPORTED_EXTENDS",
    `interface \`${name}\` extends ${bases.join(", ")}`,
    "an interface extends Entity (an entity), Manifest (its manifest) or nothing (a nested message)",
  );
  return undefined;
}

/** The entity's message and every nested interface it reaches, depth first, with recursion detection. */
function collectMessages(
  tsm: TsMorph,
  entityName: string,
  interfaces: ReadonlyMap<string, { decl: InterfaceDeclaration; at: SourceLocation }>,
  kinds: ReadonlyMap<string, DeclKind>,
  parsedEnums: ReadonlyMap<string, ParsedEnum>,
  report: Report,
): { messages: ParsedMessage[]; enums: ParsedEnum[] } {
  const messages = new Map<string, ParsedMessage>();
  const enums = new Map<string, ParsedEnum>();
  const visiting: string[] = [];
  const order: string[] = [];
  const visit = (name: string): void => {
    const entry = interfaces.get(name);
    if (entry === undefined) return;
    const { decl, at } = entry;
    visiting.push(name);
    order.push(name);
    const fields: ParsedField[] = [];
    const byProto = new Map<string, string>();
    for (const member of decl.getMembers()) {
      const memberAt = { file: at.file, line: member.getStartLineNumber() };
      if (!tsm.Node.isPropertySignature(member)) {
        report(
          memberAt,
          "UNSUPPORTED_MEMBER",
          `\`${member.getText().split("\n")[0]}\` in \`${name}\` is not a property`,
          "index signatures, methods and call signatures are not part of the manifest language: declare named properties",
        );
        continue;
      }
      const tsName = member.getName();
      if (!FIELD_NAME.test(tsName)) {
        report(
          memberAt,
          "INVALID_NAME",
          `field name \`${tsName}\` is not a plain identifier`,
          "use camelCase",
        );
        continue;
      }
      const protoName = toSnakeCase(tsName);
      const clash = byProto.get(protoName);
      if (clash !== undefined) {
        report(
          memberAt,
          "DUPLICATE_NAME",
          `fields \`${clash}\` and \`${tsName}\` of \`${name}\` both become proto field \`${protoName}\``,
          "rename one of them",
        );
        continue;
      }
      byProto.set(protoName, tsName);
      const typeNode = member.getTypeNode();
      if (typeNode === undefined) {
        report(memberAt, "UNTYPED_FIELD", `field \`${tsName}\` has no type`, "annotate the field's type");
        continue;
      }
      const parsed = parseFieldType(tsm, typeNode, (n) => kinds.get(n));
      if (!parsed.ok) {
        report(
          memberAt,
          parsed.problem.code,
          `${name}.${tsName}: ${parsed.problem.message}`,
          parsed.problem.hint,
        );
        continue;
      }
      if (parsed.repeated && parsed.type.kind === "wrapper") {
        report(
          memberAt,
          "REPEATED_NULLABLE",
          `${name}.${tsName}: an array of nullable values is not supported`,
          "use string[] or boolean[]: list elements cannot be null",
        );
        continue;
      }
      const optional = member.hasQuestionToken();
      if (optional && parsed.repeated) {
        report(
          memberAt,
          "OPTIONAL_ARRAY",
          `${name}.${tsName}: an array cannot be optional`,
          "drop the `?`: an absent array is an empty array",
        );
        continue;
      }
      const deprecated = member
        .getJsDocs()
        .some((d) => d.getTags().some((t) => t.getTagName() === "deprecated"));
      fields.push({
        ...memberAt,
        tsName,
        protoName,
        type: parsed.type,
        repeated: parsed.repeated,
        optional,
        deprecated,
      });
      const t = parsed.type;
      if (t.kind === "enum") {
        const e = parsedEnums.get(t.name);
        if (e !== undefined && !enums.has(t.name)) enums.set(t.name, e);
      } else if (t.kind === "message") {
        if (visiting.includes(t.name)) {
          report(
            memberAt,
            "RECURSIVE_NESTING",
            `${name}.${tsName}: \`${t.name}\` contains itself (${[...visiting, t.name].join(" -> ")})`,
            "break the cycle: make the inner reference a ComposedBy<Entity> or a flat nested interface",
          );
        } else if (!order.includes(t.name)) {
          visit(t.name);
        }
      }
    }
    messages.set(name, { name, ...at, fields });
    visiting.pop();
  };
  visit(entityName);
  const ordered = order.flatMap((n) => {
    const m = messages.get(n);
    return m === undefined ? [] : [m];
  });
  return { messages: ordered, enums: [...enums.values()] };
}
