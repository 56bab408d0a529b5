// Numbering against the lockfile: stable, append-only, never by declaration order, retired numbers reserved.
import { describe, expect, it } from "vitest";
import { compileSchemas } from "./compile-schemas.js";
import { parseLockfile, serializeLockfile } from "./lockfile.js";
import type { NumberedMessage, SchemaModel } from "./model.js";

const TEAM = 'export enum Team { CORE = "CORE" }\n';
const manifest = (name: string) =>
  `export interface ${name}Manifest extends Manifest { owner: Team.CORE; status: EntityState.ACTIVE }\n`;

async function compile(entities: Record<string, string>, lockfileText?: string) {
  const sources = new Map<string, string>([["entities/team.ts", TEAM]]);
  for (const [name, body] of Object.entries(entities)) {
    sources.set(
      `entities/${name}.ts`,
      `${manifest(name)}export interface ${name} extends Entity {\n${body}}\n`,
    );
  }
  const out = await compileSchemas({ sources, lockfileText });
  return { ...out, lockText: out.files.get("facsimile.lock.json") as string };
}

function message(model: SchemaModel, entity: string, name = entity): NumberedMessage {
  const m = model.entities.find((e) => e.name === entity)?.messages.find((x) => x.name === name);
  if (m === undefined) throw new Error(`no ${entity}.${name}`);
  return m;
}

const numbers = (m: NumberedMessage) => Object.fromEntries(m.fields.map((f) => [f.protoName, f.number]));

describe("assignNumbers", () => {
  it("numbers a new entity in declaration order, once", async () => {
    const { model, lockfile } = await compile({ A: "  x: string;\n  y: Int32;\n" });
    expect(numbers(message(model, "A"))).toEqual({ x: 1, y: 2 });
    expect(lockfile.entities.A).toMatchObject({ entityType: 1, messages: { A: { next: 3, retired: [] } } });
  });

  it("keeps numbers when fields are reordered, and appends new fields at the cursor", async () => {
    const first = await compile({ A: "  x: string;\n  y: Int32;\n" });
    const second = await compile({ A: "  z: boolean;\n  y: Int32;\n  x: string;\n" }, first.lockText);
    expect(numbers(message(second.model, "A"))).toEqual({ z: 3, y: 2, x: 1 });
  });

  it("retires removed fields, never hands their numbers out again, and reserves them", async () => {
    const first = await compile({ A: "  x: string;\n  y: Int32;\n" });
    const second = await compile({ A: "  x: string;\n" }, first.lockText);
    expect(second.lockfile.entities.A?.messages.A?.retired).toEqual([{ name: "y", number: 2 }]);
    const third = await compile({ A: "  x: string;\n  w: string;\n  y: string;\n" }, second.lockText);
    expect(numbers(message(third.model, "A"))).toEqual({ x: 1, w: 3, y: 4 });
    expect(message(third.model, "A").retired).toEqual([{ name: "y", number: 2 }]);
    expect(third.files.get("gen/proto/facsimile/entities/v1/a.proto")).toContain(
      "  reserved 2;\n\n  string x = 1;",
    );
  });

  it("gives new entities the next entity type and retires removed ones", async () => {
    const first = await compile({ B: "  x: string;\n", A: "  x: string;\n" });
    expect(first.registry.entities.map((e) => [e.name, e.entityType])).toEqual([
      ["A", 1],
      ["B", 2],
    ]);
    const second = await compile({ C: "  x: string;\n", B: "  x: string;\n" }, first.lockText);
    expect(second.lockfile.entities.A).toEqual({
      entityType: 1,
      removed: true,
      messages: { A: { next: 2, fields: {}, retired: [{ name: "x", number: 1 }] } },
      enums: {},
    });
    expect(second.lockfile.entities.C?.entityType).toBe(3);
    expect(second.lockfile.nextEntityType).toBe(4);
  });

  it("numbers enum values from the lockfile, starting at 1 (0 is UNSPECIFIED)", async () => {
    const enumSrc = (values: string[]) =>
      `export enum K {\n${values.map((v) => `  ${v} = "${v}",`).join("\n")}\n}\n`;
    const sources = (values: string[]) =>
      new Map([
        ["entities/team.ts", TEAM],
        ["entities/k.ts", enumSrc(values)],
        ["entities/a.ts", `${manifest("A")}export interface A extends Entity {\n  k: K;\n}\n`],
      ]);
    const first = await compileSchemas({ sources: sources(["B", "A"]), lockfileText: undefined });
    const second = await compileSchemas({
      sources: sources(["A", "C"]),
      lockfileText: first.files.get("facsimile.lock.json") as string,
    });
    const e = second.model.entities[0]?.enums[0];
    expect(e?.values.map((v) => [v.name, v.number])).toEqual([
      ["A", 2],
      ["C", 3],
    ]);
    expect(e?.retired).toEqual([{ name: "B", number: 1 }]);
  });

  it("skips the proto-reserved range 19000-19999", async () => {
    const first = await compile({ A: "  x: string;\n" });
    const lock = JSON.parse(first.lockText);
    lock.entities.A.messages.A.next = 19000;
    const second = await compile({ A: "  x: string;\n  y: string;\n" }, JSON.stringify(lock));
    expect(numbers(message(second.model, "A"))).toEqual({ x: 1, y: 20000 });
  });

  it("is a fixed point: compiling with its own lockfile changes nothing", async () => {
    const first = await compile({ A: "  x: string;\n", B: "  y: Int64;\n" });
    const second = await compile({ A: "  x: string;\n", B: "  y: Int64;\n" }, first.lockText);
    expect(second.lockText).toBe(first.lockText);
    expect(serializeLockfile(parseLockfile(first.lockText).lockfile)).toBe(first.lockText);
  });
});

describe("parseLockfile", () => {
  it("rejects a lockfile that is not shaped right", () => {
    expect(parseLockfile("{").diagnostics[0]).toMatchObject({ code: "LOCKFILE_INVALID", line: 1 });
    expect(parseLockfile('{"version":1,"nextEntityType":0,"entities":{}}').diagnostics[0]?.message).toMatch(
      /nextEntityType/,
    );
  });

  it("reports numbers used twice and numbers past the cursor under their rules", () => {
    const text = JSON.stringify(
      {
        version: 1,
        nextEntityType: 2,
        entities: {
          A: {
            entityType: 1,
            messages: { A: { next: 3, fields: { x: 1, y: 1, z: 5 }, retired: [] } },
            enums: {},
          },
        },
      },
      null,
      2,
    );
    const { diagnostics } = parseLockfile(text);
    expect(diagnostics.map((d) => [d.rule, d.line])).toEqual([
      ["FIELD_NUMBER_NO_REUSE", 12],
      ["LOCKFILE_APPEND_ONLY", 13],
    ]);
  });
});
