// The facsimile dispatcher and the `schemas compile` command, run in-process.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CliIo } from "./command.js";
import { listCommands, runCli } from "./dispatch.js";

async function cli(cwd: string, ...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    cwd,
    env: {},
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
  };
  const exit = await runCli(argv, io);
  return { exit, stdout, stderr };
}

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

describe("dispatcher", () => {
  it("discovers commands from their files", async () => {
    const words = (await listCommands()).map(([w]) => w);
    expect(words).toEqual(expect.arrayContaining(["schemas check", "schemas compile"]));
    const help = await cli(ROOT, "--help");
    expect(help.exit).toBe(0);
    expect(help.stdout).toMatch(/^ {2}schemas compile +compile entity manifests/m);
  });

  it("prints a command's usage and rejects unknown commands and options", async () => {
    const usage = await cli(ROOT, "schemas", "check", "--help");
    expect(usage.exit).toBe(0);
    expect(usage.stdout).toContain("usage: facsimile schemas check --against <git-ref>");
    const unknown = await cli(ROOT, "schemas", "frobnicate");
    expect(unknown.exit).toBe(2);
    expect(unknown.stderr).toContain('unknown command "schemas frobnicate"');
    const option = await cli(ROOT, "schemas", "compile", "--bogus");
    expect(option.exit).toBe(2);
  });

  it("lists a group's commands for the group's words with --help, or alone as a usage error", async () => {
    const group = await cli(ROOT, "control", "--help");
    expect(group.exit).toBe(0);
    expect(group.stdout).toContain("usage: facsimile control <command> [options]");
    expect(group.stdout).toMatch(/^ {2}control erase +/m);
    expect(group.stdout).not.toContain("schemas check");
    const bare = await cli(ROOT, "control");
    expect(bare.exit).toBe(2);
    expect(bare.stderr).toMatch(/^ {2}control migrate +/m);
  });
});

describe("schemas compile", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "facsimile-cli-"));
    await mkdir(join(dir, "schemas/entities"), { recursive: true });
    await writeFile(
      join(dir, "schemas/entities/a.ts"),
      `export enum Team { CORE = "CORE" }
export interface AManifest extends Manifest { owner: Team.CORE; status: EntityState.ACTIVE }
export interface A extends Entity {
  id: string;
}
`,
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("finds the repository's schemas and reports them up to date", async () => {
    const run = await cli(join(ROOT, "schemas/src"), "schemas", "compile", "--check");
    expect(run.stderr).toBe("");
    expect(run.stdout).toMatch(/4 entities, generated files up to date/);
    expect(run.exit).toBe(0);
  });

  it("writes the artefacts, then --check passes until a source changes", async () => {
    const first = await cli(dir, "schemas", "compile");
    expect(first.exit).toBe(0);
    expect(first.stdout).toContain("wrote schemas/gen/proto/facsimile/entities/v1/a.proto");
    expect(await readFile(join(dir, "schemas/gen/proto/facsimile/entities/v1/a.proto"), "utf8")).toContain(
      "string id = 1;",
    );
    expect((await cli(dir, "schemas", "compile", "--check")).exit).toBe(0);
    await writeFile(join(dir, "schemas/entities/b.ts"), "export interface Loose { x: string }\n");
    const a = await readFile(join(dir, "schemas/entities/a.ts"), "utf8");
    await writeFile(
      join(dir, "schemas/entities/a.ts"),
      a.replace("  id: string;", "  id: string;\n  n: Int32;"),
    );
    const stale = await cli(dir, "schemas", "compile", "--check");
    expect(stale.exit).toBe(1);
    expect(stale.stdout).toContain("schemas/gen/proto/facsimile/entities/v1/a.proto:10: changed");
  });

  it("exits 2 with file:line and a hint on a compile error", async () => {
    await writeFile(
      join(dir, "schemas/entities/c.ts"),
      "export interface C extends Entity {\n  n: number;\n}\n",
    );
    const run = await cli(dir, "schemas", "compile");
    expect(run.exit).toBe(2);
    expect(run.stderr).toContain("schemas/entities/c.ts:2: error BARE_NUMBER");
    expect(run.stderr).toContain("hint: use Int32, Int64 or Float64");
    expect(run.stderr).toContain("schemas/entities/c.ts:1: error MISSING_MANIFEST");
  });
});
