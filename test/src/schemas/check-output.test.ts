// `facsimile schemas check` as CI runs it: output formats (text, JSON lines, GitHub annotations), committed
// overrides, a change committed on a branch, and the usage errors that exit 2.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { compileSchemasDir } from "@facsimile/schemas-compiler";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyRepo, createBaseRepo, editSource, git, removeRepo, type SchemaRepo } from "./fixture.js";
import { checkJson, runFacsimile } from "./run-check.js";

let base: SchemaRepo;
let changed: SchemaRepo;

beforeAll(async () => {
  base = await createBaseRepo();
  changed = await copyRepo(base, "output");
  await editSource(changed, "entities/order.ts", "  quantity: Int32;", "  quantity: Float64;");
  await compileSchemasDir(changed.schemasDir);
});

afterAll(async () => {
  await Promise.all([base, changed].map(removeRepo));
});

describe("formats", () => {
  it("prints file:line, the rule, the subject and a hint as text", async () => {
    const run = await runFacsimile(changed.root, "schemas", "check", "--against", "HEAD");
    expect(run.exit).toBe(1);
    const lines = run.stdout.split("\n");
    expect(lines[0]).toBe(
      "schemas/entities/order.ts:23: FIELD_SAME_TYPE Order.quantity: Order.quantity changed type from Int32 to Float64",
    );
    expect(lines[1]).toMatch(/^ {2}hint: expand-contract: add a new field/);
    expect(lines.at(-2)).toMatch(
      /^schemas check against HEAD \([0-9a-f]{12}\): 1 violation\(s\), 0 overridden$/,
    );
  });

  it("prints GitHub error annotations", async () => {
    const run = await runFacsimile(
      changed.root,
      "schemas",
      "check",
      "--against",
      "HEAD",
      "--format",
      "github",
    );
    expect(run.exit).toBe(1);
    const [first] = run.stdout.split("\n");
    expect(first).toBe(
      "::error file=schemas/entities/order.ts,line=23,title=FIELD_SAME_TYPE::Order.quantity: Order.quantity " +
        "changed type from Int32 to Float64%0Ahint: expand-contract: add a new field with the new type, " +
        "migrate producers, deprecate this one",
    );
  });

  it("prints one JSON object per line, ending with a summary", async () => {
    const { exit, lines } = await checkJson(changed.root);
    expect(exit).toBe(1);
    expect(lines.map((l) => l.type)).toEqual(["violation", "summary"]);
    expect(lines[0]).toMatchObject({
      rule: "FIELD_SAME_TYPE",
      entity: "Order",
      field: "quantity",
      file: "schemas/entities/order.ts",
      line: 23,
    });
    expect(lines[1]).toMatchObject({ violations: 1, overridden: 0, compileErrors: 0 });
  });
});

describe("overrides", () => {
  const overridesFile = () => join(changed.schemasDir, "facsimile.overrides.json");
  const write = (overrides: unknown[]) => writeFile(overridesFile(), JSON.stringify({ overrides }, null, 2));

  it("lets an intended break through and reports it", async () => {
    await write([
      {
        rule: "FIELD_SAME_TYPE",
        entity: "Order",
        field: "quantity",
        reason: "no producer ships quantity yet (INC-42)",
      },
      { rule: "FIELD_SAME_TYPE", entity: "Customer", reason: "left over from an older migration" },
    ]);
    const { exit, lines } = await checkJson(changed.root);
    expect(exit).toBe(0);
    expect(lines.find((l) => l.type === "overridden")).toMatchObject({
      rule: "FIELD_SAME_TYPE",
      field: "quantity",
      reason: "no producer ships quantity yet (INC-42)",
    });
    expect(lines.find((l) => l.type === "unused_override")).toMatchObject({ entity: "Customer" });
    const text = await runFacsimile(changed.root, "schemas", "check", "--against", "HEAD");
    expect(text.stdout).toContain("FIELD_SAME_TYPE (overridden) Order.quantity");
    expect(text.stdout).toContain("override: no producer ships quantity yet (INC-42)");
    const gh = await runFacsimile(
      changed.root,
      "schemas",
      "check",
      "--against",
      "HEAD",
      "--format",
      "github",
    );
    expect(gh.stdout).toContain(
      "::notice file=schemas/entities/order.ts,line=23,title=FIELD_SAME_TYPE (overridden)::",
    );
  });

  it("does not cover another field of the same rule", async () => {
    await write([
      { rule: "FIELD_SAME_TYPE", entity: "Order", field: "total", reason: "a different field entirely" },
    ]);
    const { exit } = await checkJson(changed.root);
    expect(exit).toBe(1);
  });

  it("rejects an override without a reason (exit 2)", async () => {
    await write([{ rule: "FIELD_SAME_TYPE", entity: "Order", field: "quantity", reason: "" }]);
    const run = await runFacsimile(changed.root, "schemas", "check", "--against", "HEAD");
    expect(run.exit).toBe(2);
    expect(run.stderr).toContain("reason must say why");
  });

  afterAll(async () => {
    await write([]);
  });
});

describe("git", () => {
  it("checks a change committed on a branch against the base branch", async () => {
    const repo = await copyRepo(base, "branch");
    try {
      await git(repo.root, "checkout", "--quiet", "-b", "feature");
      await editSource(repo, "entities/order.ts", "  tags: string[];", "  tags: string;");
      await compileSchemasDir(repo.schemasDir);
      await git(repo.root, "add", "-A");
      await git(
        repo.root,
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@example.com",
        "commit",
        "--quiet",
        "-m",
        "x",
      );
      const fromEntities = await runFacsimile(
        join(repo.schemasDir, "entities"),
        "schemas",
        "check",
        "--against",
        "main",
      );
      expect(fromEntities.exit).toBe(1);
      expect(fromEntities.stdout).toContain("FIELD_SAME_CARDINALITY");
      const { exit } = await checkJson(repo.root, "feature");
      expect(exit).toBe(0);
    } finally {
      await removeRepo(repo);
    }
  });

  it("exits 2 on an unknown ref and on a missing --against", async () => {
    const unknown = await runFacsimile(base.root, "schemas", "check", "--against", "no-such-branch");
    expect(unknown.exit).toBe(2);
    expect(unknown.stderr).toContain('unknown git ref "no-such-branch"');
    const missing = await runFacsimile(base.root, "schemas", "check");
    expect(missing.exit).toBe(2);
    expect(missing.stderr).toContain("--against is required");
  });
});
