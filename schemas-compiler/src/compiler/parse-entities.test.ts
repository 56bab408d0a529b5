// The parser: every form of the manifest language, and every rejected form with file:line and a hint.
import { describe, expect, it } from "vitest";
import { buildModel } from "./build-model.js";

const HEAD = `import type { ComposedBy, Entity, EntityState, Int32, Manifest, String, Timestamp } from "../src/dsl.js";
export enum Team { CORE = "CORE", DATA = "DATA" }
export interface ThingManifest extends Manifest {
  owner: Team.CORE;
  status: EntityState.ACTIVE;
}
`;
// Line 7 is the first line after HEAD.
const FIRST = 7;

async function diagnose(body: string, extra: Record<string, string> = {}) {
  const sources = new Map([["entities/thing.ts", `${HEAD}${body}`], ...Object.entries(extra)]);
  const { diagnostics, model } = await buildModel({ sources, lockfileText: undefined });
  return { diagnostics, model };
}

describe("parseEntities", () => {
  it("reads every form of the manifest language", async () => {
    const { diagnostics, model } = await diagnose(`export enum Kind {
  A = "A",
  /** @deprecated */
  B = "B",
}
export interface Part { label: string; at: Timestamp }
export interface Other extends Entity { id: string }
export interface OtherManifest extends Manifest { owner: Team.DATA; status: EntityState.DEPRECATED }
export interface Thing extends Entity {
  name: string;
  nick: String;
  on: boolean;
  maybe: Boolean;
  small: Int32;
  other: ComposedBy<Other>;
  others: ComposedBy<Other>[];
  kind: Kind;
  parts: readonly Part[];
  main: Part;
  note?: string;
  /** @deprecated use name */
  old: string;
  questionADF: string;
}
`);
    expect(diagnostics).toEqual([]);
    const thing = model.entities.find((e) => e.name === "Thing");
    expect(thing?.owner).toBe("CORE");
    expect(model.entities.find((e) => e.name === "Other")?.status).toBe("DEPRECATED");
    expect(thing?.messages.map((m) => m.name)).toEqual(["Thing", "Part"]);
    expect(thing?.enums.map((e) => [e.name, e.values.map((v) => [v.name, v.deprecated])])).toEqual([
      [
        "Kind",
        [
          ["A", false],
          ["B", true],
        ],
      ],
    ]);
    const fields = thing?.messages[0]?.fields ?? [];
    expect(fields.map((f) => [f.tsName, f.protoName, f.type, f.repeated, f.optional, f.deprecated])).toEqual([
      ["name", "name", { kind: "scalar", scalar: "string" }, false, false, false],
      ["nick", "nick", { kind: "wrapper", wrapper: "StringValue" }, false, false, false],
      ["on", "on", { kind: "scalar", scalar: "bool" }, false, false, false],
      ["maybe", "maybe", { kind: "wrapper", wrapper: "BoolValue" }, false, false, false],
      ["small", "small", { kind: "scalar", scalar: "int32" }, false, false, false],
      ["other", "other", { kind: "ref", entity: "Other" }, false, false, false],
      ["others", "others", { kind: "ref", entity: "Other" }, true, false, false],
      ["kind", "kind", { kind: "enum", name: "Kind" }, false, false, false],
      ["parts", "parts", { kind: "message", name: "Part" }, true, false, false],
      ["main", "main", { kind: "message", name: "Part" }, false, false, false],
      ["note", "note", { kind: "scalar", scalar: "string" }, false, true, false],
      ["old", "old", { kind: "scalar", scalar: "string" }, false, false, true],
      ["questionADF", "question_adf", { kind: "scalar", scalar: "string" }, false, false, false],
    ]);
    expect(fields[0]).toMatchObject({ file: "entities/thing.ts", line: FIRST + 9 });
  });

  const cases: [string, string, string, number, RegExp][] = [
    [
      "bare number",
      "export interface Thing extends Entity {\n  n: number;\n}\n",
      "BARE_NUMBER",
      1,
      /Int32, Int64 or Float64/,
    ],
    ["any", "export interface Thing extends Entity {\n  n: any;\n}\n", "UNTYPED_FIELD", 1, /concrete type/],
    ["union", "export interface Thing extends Entity {\n  n: string | null;\n}\n", "UNION_TYPE", 1, /String/],
    [
      "undefined union",
      "export interface Thing extends Entity {\n  n: string | undefined;\n}\n",
      "UNION_TYPE",
      1,
      /`\?`/,
    ],
    [
      "index signature",
      "export interface Thing extends Entity {\n  [k: string]: string;\n}\n",
      "UNSUPPORTED_MEMBER",
      1,
      /named properties/,
    ],
    [
      "method",
      "export interface Thing extends Entity {\n  f(): void;\n}\n",
      "UNSUPPORTED_MEMBER",
      1,
      /named properties/,
    ],
    [
      "generic",
      "export interface Thing extends Entity {\n  n: Map<string, string>;\n}\n",
      "GENERIC_TYPE",
      1,
      /named interface/,
    ],
    [
      "Array<T>",
      "export interface Thing extends Entity {\n  n: Array<string>;\n}\n",
      "GENERIC_TYPE",
      1,
      /T\[\]/,
    ],
    ["Date", "export interface Thing extends Entity {\n  n: Date;\n}\n", "UNKNOWN_TYPE", 1, /Timestamp/],
    [
      "inline object",
      "export interface Thing extends Entity {\n  n: { a: string };\n}\n",
      "INLINE_OBJECT",
      1,
      /named interface/,
    ],
    [
      "nested array",
      "export interface Thing extends Entity {\n  n: string[][];\n}\n",
      "NESTED_ARRAY",
      1,
      /nested interface/,
    ],
    [
      "optional array",
      "export interface Thing extends Entity {\n  n?: string[];\n}\n",
      "OPTIONAL_ARRAY",
      1,
      /drop the `\?`/,
    ],
    [
      "nullable array",
      "export interface Thing extends Entity {\n  n: String[];\n}\n",
      "REPEATED_NULLABLE",
      1,
      /string\[\]/,
    ],
    [
      "embedded entity",
      "export interface Thing extends Entity {\n  n: Thing;\n}\n",
      "EMBEDDED_ENTITY",
      1,
      /ComposedBy<Thing>/,
    ],
    [
      "bad reference",
      "export interface P { a: string }\nexport interface Thing extends Entity {\n  n: ComposedBy<P>;\n}\n",
      "INVALID_REFERENCE",
      2,
      /extends Entity/,
    ],
    [
      "recursion",
      "export interface A { b: B }\nexport interface B { a: A[] }\nexport interface Thing extends Entity {\n  a: A;\n}\n",
      "RECURSIVE_NESTING",
      1,
      /break the cycle/,
    ],
    [
      "type alias",
      "export type Id = string;\nexport interface Thing extends Entity {\n  n: string;\n}\n",
      "TYPE_ALIAS",
      0,
      /interface .* or an enum/,
    ],
    [
      "other base",
      "export interface Base { a: string }\nexport interface Thing extends Base {\n  n: string;\n}\n",
      "UNSUPPORTED_EXTENDS",
      1,
      /extends Entity/,
    ],
    [
      "numeric enum",
      "export enum E { A = 1 }\nexport interface Thing extends Entity {\n  e: E;\n}\n",
      "INVALID_ENUM",
      0,
      /A = "A"/,
    ],
    [
      "implicit enum",
      "export enum E { A }\nexport interface Thing extends Entity {\n  e: E;\n}\n",
      "INVALID_ENUM",
      0,
      /lockfile/,
    ],
    [
      "UNSPECIFIED member",
      'export enum E { UNSPECIFIED = "UNSPECIFIED" }\nexport interface Thing extends Entity {\n  e: E;\n}\n',
      "INVALID_NAME",
      0,
      /zero value/,
    ],
    [
      "duplicate proto name",
      "export interface Thing extends Entity {\n  fooBar: string;\n  foo_bar: string;\n}\n",
      "DUPLICATE_NAME",
      2,
      /rename one/,
    ],
    [
      "orphan manifest",
      "export interface Thing extends Entity {\n  a: string;\n}\nexport interface GhostManifest extends Manifest {\n  owner: Team.CORE;\n  status: EntityState.ACTIVE;\n}\n",
      "ORPHAN_MANIFEST",
      3,
      /interface Ghost extends Entity/,
    ],
  ];

  it.each(cases)("rejects %s with file:line and a hint", async (_name, body, code, lineOffset, hint) => {
    const { diagnostics } = await diagnose(body);
    const d = diagnostics.find((x) => x.code === code);
    expect(d, JSON.stringify(diagnostics)).toBeDefined();
    expect(d?.file).toBe("entities/thing.ts");
    expect(d?.line).toBe(FIRST + lineOffset);
    expect(d?.hint).toMatch(hint);
  });

  it("rejects a missing manifest, a missing owner and an unknown team under OWNER_REQUIRED", async () => {
    const sources = new Map([
      [
        "entities/a.ts",
        `export enum Team { CORE = "CORE" }
export interface A extends Entity { id: string }
export interface B extends Entity { id: string }
export interface BManifest extends Manifest { status: EntityState.ACTIVE }
export interface C extends Entity { id: string }
export interface CManifest extends Manifest {
  owner: Team.NOBODY;
  status: EntityState.ACTIVE;
}
`,
      ],
    ]);
    const { diagnostics } = await buildModel({ sources, lockfileText: undefined });
    expect(diagnostics.map((d) => [d.code, d.rule, d.entity, d.line])).toEqual([
      ["MISSING_MANIFEST", "OWNER_REQUIRED", "A", 2],
      ["MISSING_OWNER", "OWNER_REQUIRED", "B", 4],
      ["UNKNOWN_TEAM", "OWNER_REQUIRED", "C", 7],
    ]);
    expect(diagnostics[2]?.hint).toContain("Team.CORE");
  });

  it("rejects the same name declared in two files", async () => {
    const { diagnostics } = await diagnose("export interface Thing extends Entity {\n  a: string;\n}\n", {
      "entities/z.ts": 'export enum Thing { A = "A" }\n',
    });
    expect(diagnostics).toMatchObject([{ code: "DUPLICATE_NAME", file: "entities/z.ts", line: 1 }]);
  });
});
