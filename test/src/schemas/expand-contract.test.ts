// Every expand-contract rule in a real git repository: a base commit, a change in the working tree, then
// `facsimile schemas check --against HEAD`. Each case also runs `buf breaking` (WIRE_JSON) on the
// generated protos: whatever buf calls breaking, the check must not let through.
import { join } from "node:path";
import { compileSchemasDir, RULE_IDS } from "@facsimile/schemas-compiler";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BufIssue, bufBreaking } from "./buf.js";
import { ALL_CASES, BREAKING, COMPLIANT, type EvolutionCase, UNCOMPILED } from "./cases.js";
import { copyRepo, createBaseRepo, removeRepo, type SchemaRepo } from "./fixture.js";
import { type CheckLine, checkJson } from "./run-check.js";

let base: SchemaRepo;
const repos: SchemaRepo[] = [];

beforeAll(async () => {
  base = await createBaseRepo();
});

afterAll(async () => {
  await Promise.all([base, ...repos].map(removeRepo));
});

it("covers every rule with a case that breaks it", () => {
  const covered = new Set([...BREAKING, ...UNCOMPILED].flatMap((c) => c.rules));
  expect(RULE_IDS.filter((r) => !covered.has(r))).toEqual([]);
  expect(COMPLIANT.length).toBeGreaterThan(10);
});

it("passes the unchanged base", async () => {
  const { exit, lines } = await checkJson(base.root);
  expect(lines.filter((l) => l.type !== "summary")).toEqual([]);
  expect(exit).toBe(0);
});

describe.each(ALL_CASES.map((c) => [c.name, c] as const))("%s", (_name, c: EvolutionCase) => {
  let repo: SchemaRepo;
  let result: { exit: number; lines: CheckLine[] };

  beforeAll(async () => {
    repo = await copyRepo(base, "case");
    repos.push(repo);
    await c.apply(repo);
    if (c.compile) await compileSchemasDir(repo.schemasDir);
    result = await checkJson(repo.root);
  });

  it(c.rules.length === 0 ? `exits ${c.exit} with no violation` : `reports ${c.rules.join(", ")}`, () => {
    const violations = result.lines.filter((l) => l.type === "violation");
    const found = new Set(violations.map((v) => v.rule));
    if (c.exit === 2) {
      expect(result.lines.filter((l) => l.type === "compile_error").length).toBeGreaterThan(0);
    } else if (c.rules.length === 0) {
      expect(violations).toEqual([]);
    } else {
      for (const rule of c.rules) expect(found, `${rule} in ${JSON.stringify(violations)}`).toContain(rule);
    }
    for (const v of violations) {
      expect(v.file).toMatch(/^schemas\//);
      expect(v.line).toBeGreaterThan(0);
      expect(v.hint?.length).toBeGreaterThan(0);
    }
    expect(result.exit).toBe(c.exit);
  });

  // Only compiled cases have generated protos to hand to buf.
  if (c.compile) {
    it(`buf breaking (WIRE_JSON) ${c.bufFlags === true ? "flags it, and so does the check" : "finds nothing"}`, async () => {
      const issues: BufIssue[] = await bufBreaking(
        join(repo.schemasDir, "gen/proto"),
        join(base.schemasDir, "gen/proto"),
      );
      const blocked = result.lines.filter((l) => l.type === "violation" || l.type === "overridden").length;
      if (issues.length > 0) expect(blocked, JSON.stringify(issues)).toBeGreaterThan(0);
      expect(issues.length > 0, JSON.stringify(issues)).toBe(c.bufFlags === true);
    });
  }
});
