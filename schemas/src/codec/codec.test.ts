// Plain value <-> protobuf bytes for every entity of the default registry: a property test over values
// generated from the descriptors themselves, the validators agreeing with the encoder, flat rows, and
// the errors a bad value gets.
import type { DescField, DescMessage } from "@bufbuild/protobuf";
import { ScalarType } from "@bufbuild/protobuf";
import { isFacsimileError } from "@facsimile/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { validators } from "../generated/validators.js";
import { loadDefaultRegistry } from "../load-default-registry.js";
import { ENVELOPE_PACKAGE } from "../registry.js";
import { compileEntityCodec } from "./compile-entity-codec.js";
import { decodeEntity } from "./decode-entity.js";
import { encodeEntity, encodeEntityAny } from "./encode-entity.js";
import { decodeEntityRow, entityColumns } from "./flatten-entity.js";
import { enumNames } from "./resolve-entity.js";
import { sizeEntity, sizeEntityByPlan, sizeEntityStrict } from "./size-entity.js";

const registry = loadDefaultRegistry();
const text = fc.string({ unit: "grapheme", maxLength: 12 });
const segment = fc.stringMatching(/^[a-z0-9-]{1,8}$/);
const ari = fc
  .tuple(segment, segment, segment, segment)
  .map(([p, w, t, i]) => `ari:cloud:${p}:${w}:${t}/${i}`);
const date = fc.date({
  min: new Date("1970-01-01T00:00:00Z"),
  max: new Date("2100-01-01T00:00:00Z"),
  noInvalidDate: true,
});

function scalarArb(t: ScalarType): fc.Arbitrary<unknown> {
  switch (t) {
    case ScalarType.STRING:
      return text;
    case ScalarType.BOOL:
      return fc.boolean();
    case ScalarType.INT32:
      return fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
    case ScalarType.INT64:
      return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
    case ScalarType.DOUBLE:
      return fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => (x === 0 ? 0 : x));
    default:
      throw new Error(`unexpected scalar ${t}`);
  }
}

function messageArb(desc: DescMessage, singularWrapper: boolean): fc.Arbitrary<unknown> {
  switch (desc.typeName) {
    case "google.protobuf.StringValue":
      return singularWrapper ? fc.option(text, { nil: null }) : text;
    case "google.protobuf.BoolValue":
      return fc.option(fc.boolean(), { nil: null });
    case "google.protobuf.Timestamp":
      return date;
    case `${ENVELOPE_PACKAGE}.Ari`:
      return ari;
    default:
      return plainArb(desc);
  }
}

function fieldArb(f: DescField): fc.Arbitrary<unknown> {
  if (f.fieldKind === "scalar") return scalarArb(f.scalar);
  if (f.fieldKind === "enum") {
    return fc.constantFrom(...[...enumNames(f.enum).byName.keys()].filter((n) => n !== "UNSPECIFIED"));
  }
  if (f.fieldKind === "message") return messageArb(f.message, true);
  if (f.fieldKind === "list") {
    const item =
      f.listKind === "scalar"
        ? scalarArb(f.scalar)
        : f.listKind === "enum"
          ? fc.constantFrom(...[...enumNames(f.enum).byName.keys()].filter((n) => n !== "UNSPECIFIED"))
          : messageArb(f.message, false);
    return fc.array(item, { maxLength: 3 });
  }
  throw new Error(`unexpected field kind ${f.fieldKind}`);
}

/** Plain values of a message, generated from its descriptor (optional fields sometimes absent). */
function plainArb(desc: DescMessage): fc.Arbitrary<Record<string, unknown>> {
  const shape = Object.fromEntries(desc.fields.map((f) => [f.jsonName, fieldArb(f)]));
  const requiredKeys = desc.fields.filter((f) => !f.proto.proto3Optional).map((f) => f.jsonName);
  return fc.record(shape, { requiredKeys }) as fc.Arbitrary<Record<string, unknown>>;
}

describe.each(registry.entities.map((e) => [e.name]))("%s", (name) => {
  const desc = registry.message(registry.entity(name).messageName);

  it("decodes what it encodes, for any value", () => {
    fc.assert(
      fc.property(plainArb(desc), (value) => {
        const bytes = encodeEntity(registry, name, value);
        expect(decodeEntity(registry, registry.entity(name).typeUrl, bytes)).toEqual(value);
      }),
      { numRuns: 150 },
    );
  });

  it("sizes and writes exactly encodeEntity's bytes, in place at any offset", () => {
    fc.assert(
      fc.property(plainArb(desc), fc.nat({ max: 9 }), (value, offset) => {
        const expected = encodeEntity(registry, name, value);
        const sized = sizeEntity(registry, name, value);
        expect(sized.byteLength).toBe(expected.length);
        expect(new Uint8Array(sized.toBytes())).toEqual(expected);
        const target = new Uint8Array(offset + sized.byteLength + 3).fill(0xee);
        expect(sized.writeInto(target, offset)).toBe(offset + expected.length);
        expect(target.subarray(offset, offset + expected.length)).toEqual(expected);
        expect([...target.subarray(0, offset), ...target.subarray(offset + expected.length)]).toEqual(
          new Array(offset + 3).fill(0xee),
        );
      }),
      { numRuns: 150 },
    );
  });

  it("has a compiled codec that takes every good value and writes the field plans' exact bytes", () => {
    const codec = compileEntityCodec(desc);
    fc.assert(
      fc.property(plainArb(desc), (value) => {
        const expected = sizeEntityByPlan(registry, name, value).toBytes();
        const lengths: number[] = [];
        // The compiled path itself, not its fallback: measure throws for a value it refuses.
        const byteLength = codec.measure(value, lengths);
        expect(byteLength).toBe(expected.length);
        const out = Buffer.alloc(byteLength + 2, 0xee);
        expect(codec.write(out, 1, value, { list: lengths, next: 0 })).toBe(1 + byteLength);
        expect(new Uint8Array(out.subarray(1, 1 + byteLength))).toEqual(new Uint8Array(expected));
        expect([out[0], out[byteLength + 1]]).toEqual([0xee, 0xee]);
      }),
      { numRuns: 400 },
    );
  });

  it("has a strict codec that takes what the zod validator takes, with the same bytes, and nothing the encoder refuses", () => {
    const validator = validators[name as keyof typeof validators];
    const listKey = desc.fields.find((f) => f.fieldKind === "list")?.jsonName;
    const variants = plainArb(desc).chain((value) =>
      fc.constantFrom<Record<string, unknown>>(
        value,
        { ...value, noSuchField: undefined },
        ...(listKey === undefined ? [] : [{ ...value, [listKey]: undefined }]),
        { ...value, [desc.fields[0]?.jsonName ?? "x"]: Number.NaN },
      ),
    );
    fc.assert(
      fc.property(variants, (value) => {
        const sized = sizeEntityStrict(registry, name, value);
        expect(sized !== undefined).toBe(validator.safeParse(value).success);
        if (sized !== undefined) {
          expect(new Uint8Array(sized.toBytes())).toEqual(encodeEntity(registry, name, value));
        }
      }),
      { numRuns: 200 },
    );
  });

  it("sizeEntity rejects what encodeEntity rejects, with the same error", () => {
    const broken = plainArb(desc).chain((value) =>
      fc
        .tuple(
          fc.constantFrom(...desc.fields.map((f) => f.jsonName), "noSuchField"),
          fc.constantFrom<unknown>(
            42.5,
            "text",
            "lone \uD800",
            null,
            [],
            {},
            new Date(Number.NaN),
            new Date(8_639_999_000_000_000),
            -1n,
          ),
        )
        .map(([key, bad]) => ({ ...value, [key]: bad })),
    );
    fc.assert(
      fc.property(broken, (value) => {
        const outcome = (f: () => unknown): string => {
          try {
            f();
            return "ok";
          } catch (err) {
            return isFacsimileError(err) ? `${err.code}: ${err.message}` : String(err);
          }
        };
        expect(outcome(() => sizeEntity(registry, name, value))).toBe(
          outcome(() => encodeEntity(registry, name, value)),
        );
      }),
      { numRuns: 150 },
    );
  });

  it("has validators that accept exactly what the encoder takes", () => {
    const validator = validators[name as keyof typeof validators];
    fc.assert(
      fc.property(plainArb(desc), (value) => {
        expect(validator.safeParse(value).success).toBe(true);
      }),
      { numRuns: 50 },
    );
    expect(validator.safeParse({}).success).toBe(false);
  });

  it("flattens into exactly the columns it declares", () => {
    fc.assert(
      fc.property(plainArb(desc), (value) => {
        const row = decodeEntityRow(registry, name, encodeEntity(registry, name, value));
        expect(Object.keys(row)).toEqual(entityColumns(registry, name).map((c) => c.name));
      }),
      { numRuns: 30 },
    );
  });
});

const question = {
  id: "q-1",
  createdAt: new Date("2024-05-06T07:08:09.123Z"),
  question: "How do I deploy?",
  title: "Deploying",
  updatedAt: new Date("2024-05-07T00:00:00Z"),
  author: null,
  workspace: "ws-1",
  questionAdf: "{}",
  voteCount: 3,
  chosenAnswer: true,
  isResolved: false,
  classification: "INTERNAL",
};

const issue = {
  issueId: null,
  key: "FAC-1",
  project: "ari:cloud:jira:ws-1:project/10",
  summary: "s",
  description: null,
  status: "DONE",
  classification: "PUBLIC",
  assignee: null,
  reporter: null,
  labels: [],
  fields: [],
  voteCount: 0,
  watchCount: 7,
  createdAt: new Date(0),
  updatedAt: new Date(0),
};

describe("AvocadoQuestion as the seed's tables see it", () => {
  it("flattens to the seed's raw column names", () => {
    const row = decodeEntityRow(
      registry,
      "AvocadoQuestion",
      encodeEntity(registry, "AvocadoQuestion", question),
    );
    expect(row).toEqual({
      id_value: "q-1",
      created_at_seconds: 1714979289n,
      created_at_nanos: 123_000_000,
      question: "How do I deploy?",
      title: "Deploying",
      updated_at_seconds: 1715040000n,
      updated_at_nanos: 0,
      author_value: null,
      workspace_value: "ws-1",
      question_adf: "{}",
      vote_count: 3,
      chosen_answer: true,
      is_resolved: false,
      classification: "INTERNAL",
    });
  });

  it("takes Int64 as a number too and packs an Any", () => {
    const any = encodeEntityAny(registry, "JiraIssue", issue);
    expect(any.typeUrl).toBe("type.googleapis.com/facsimile.entities.v1.JiraIssue");
    expect(decodeEntity(registry, any.typeUrl, any.value)).toMatchObject({ watchCount: 7n, issueId: null });
  });
});

describe("bad values", () => {
  const bad: [string, Record<string, unknown>, RegExp][] = [
    ["an unknown key", { ...question, titel: "x" }, /titel: unknown field/],
    ["a missing field", { ...question, title: undefined }, /title: missing/],
    ["a wrong type", { ...question, voteCount: "3" }, /voteCount: expected an Int32/],
    ["an Int32 out of range", { ...question, voteCount: 2 ** 31 }, /voteCount: expected an Int32/],
    ["an invalid Date", { ...question, createdAt: new Date(Number.NaN) }, /createdAt: expected a valid Date/],
    [
      "an unknown enum value",
      { ...question, classification: "SECRET" },
      /classification: expected one of PUBLIC/,
    ],
    ["null for a plain string", { ...question, question: null }, /question: expected a string/],
  ];

  it.each(bad)("rejects %s with the path and the value", (_what, value, message) => {
    let caught: unknown;
    try {
      encodeEntity(registry, "AvocadoQuestion", value);
    } catch (err) {
      caught = err;
    }
    expect(isFacsimileError(caught) && caught.code).toBe("ENTITY_VALUE_INVALID");
    expect((caught as Error).message).toMatch(message);
    expect(validators.AvocadoQuestion.safeParse(value).success).toBe(false);
  });

  it("rejects a malformed ARI and an unknown entity", () => {
    expect(() => encodeEntity(registry, "JiraIssue", { ...issue, project: "not-an-ari" })).toThrow(
      /project: expected an ARI/,
    );
    expect(() => encodeEntity(registry, "Nope", {})).toThrow(/unknown entity name "Nope"/);
  });

  it("rejects what protobuf cannot carry: timestamps outside years 1-9999, strings with a lone surrogate", () => {
    const far = new Date(8_639_999_000_000_000);
    expect(far.getUTCFullYear()).toBe(275760);
    for (const [value, message] of [
      [{ ...question, createdAt: far }, /createdAt: is outside the range of a protobuf Timestamp/],
      [{ ...question, updatedAt: new Date(Date.UTC(-1, 0, 1)) }, /updatedAt: is outside the range/],
      [{ ...question, title: "half \uD83D pair" }, /title: contains a lone UTF-16 surrogate/],
      [{ ...question, author: "\uDC00" }, /author: contains a lone UTF-16 surrogate/],
    ] as const)
      expect(() => encodeEntity(registry, "AvocadoQuestion", value)).toThrow(message);
    // The edges of the range and a proper pair are fine.
    const edge = { ...question, createdAt: new Date("9999-12-31T23:59:59.999Z"), title: "pair \uD83D\uDE00" };
    const back = decodeEntity(registry, "AvocadoQuestion", encodeEntity(registry, "AvocadoQuestion", edge));
    expect(back.createdAt).toEqual(edge.createdAt);
    expect(back.title).toBe(edge.title);
  });

  it("keeps an enum number it does not know when decoding (a newer producer)", () => {
    const bytes = encodeEntity(registry, "AvocadoQuestion", { ...question, classification: 99 });
    expect(decodeEntity(registry, "AvocadoQuestion", bytes).classification).toBe(99);
  });
});

describe("sizeEntity at the edges of the wire format", () => {
  it("writes encodeEntity's bytes for number Int64s, -0, dates before 1970 and long non-ASCII strings", () => {
    const base = {
      issueId: null,
      key: "FAC-1",
      project: "ari:cloud:jira:ws-1:project/p1",
      summary: "é".repeat(300),
      description: `${"x".repeat(200)}€`,
      status: "DONE",
      classification: "PUBLIC",
      assignee: "",
      reporter: null,
      labels: ["a".repeat(129), "", "ü"],
      fields: [{ fieldId: "f", name: "", value: "", updatedAt: new Date(-1) }],
      voteCount: -1,
      createdAt: new Date(-86_400_000 * 400 - 1),
      updatedAt: new Date(0),
    };
    for (const [watchCount, storyPoints] of [
      [Number.MAX_SAFE_INTEGER, -0],
      [-Number.MAX_SAFE_INTEGER, 0],
      [0, 1.5],
      [-(2n ** 63n), Number.MIN_VALUE],
      [2n ** 63n - 1n, undefined],
    ] as const) {
      const value = { ...base, watchCount, ...(storyPoints === undefined ? {} : { storyPoints }) };
      expect(new Uint8Array(sizeEntity(registry, "JiraIssue", value).toBytes())).toEqual(
        encodeEntity(registry, "JiraIssue", value),
      );
      // ...through the compiled codec, which takes these values (it throws for one it refuses).
      const desc = registry.message(registry.entity("JiraIssue").messageName);
      expect(compileEntityCodec(desc).measure(value, [])).toBe(
        sizeEntityByPlan(registry, "JiraIssue", value).byteLength,
      );
    }
  });
});
