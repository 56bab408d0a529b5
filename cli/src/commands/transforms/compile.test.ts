// `facsimile transforms compile`, run in-process through its default export.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CliIo } from "../../command.js";
import command from "./compile.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "facsimile-cli-transforms-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(...args: string[]) {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    cwd: dir,
    env: {},
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
  };
  const exit = await command.run(args, io);
  return { exit, stdout, stderr };
}

describe("transforms compile", () => {
  it("prints one model's compiled SQL after a header saying what it reads and writes", async () => {
    const out = await run("jira_issue_field");
    expect(out.stderr).toBe("");
    expect(out.exit).toBe(0);
    const lines = out.stdout.split("\n");
    expect(lines[0]).toMatch(/^-- model jira_issue_field \(.*transforms\/models\/jira_issue_field\.sql\)$/);
    expect(lines[1]).toBe(
      "-- reads JiraIssue; writes jira_issue_field with merge-exploded: parent key " +
        "(envelope_fields_resource_ari_value), child key (field_index); partitioned by (workspace_id)",
    );
    expect(out.stdout).toContain("  FROM source_jira_issue\n");
    expect(out.stdout).not.toContain("{{");
    expect(out.stdout.trimEnd().endsWith("FROM exploded;")).toBe(true);
  });

  it("prints every model, defaults included, when no model is named", async () => {
    const out = await run();
    expect(out.exit).toBe(0);
    const models = [...out.stdout.matchAll(/^-- model (\w+) /gm)].map((m) => m[1]);
    expect(models).toEqual([
      "avocado_question",
      "confluence_page",
      "jira_issue",
      "jira_issue_change",
      "jira_issue_field",
      "jira_project",
    ]);
    expect(out.stdout).toContain("-- model avocado_question (<default model of AvocadoQuestion>)");
  });

  it("prints a default's template as the start of an override", async () => {
    const out = await run("avocado_question", "--template");
    expect(out.exit).toBe(0);
    expect(out.stdout).toContain(
      "{{ config(writer='merge', primary_key=['envelope_fields_resource_ari_value']) }}",
    );
    expect(out.stdout).toContain("FROM {{ source('entities', 'AvocadoQuestion') }}");
  });

  it("rejects an unknown model with the list of known ones, exit 2", async () => {
    const out = await run("jira_isue");
    expect(out.exit).toBe(2);
    expect(out.stderr).toContain(
      'unknown model "jira_isue"; known models: avocado_question, confluence_page, jira_issue',
    );
    expect(out.stdout).toBe("");
  });

  it("uses --models-dir, and fails with the file and line when DuckDB rejects a model", async () => {
    await writeFile(
      join(dir, "avocado_question.sql"),
      "{{ config(writer='append') }}\nSELECT\n  nonsense,\n  workspace_id\nFROM {{ source('entities', 'AvocadoQuestion') }}\n",
    );
    const out = await run("avocado_question", "--models-dir", ".");
    expect(out.exit).toBe(1);
    expect(out.stdout).toContain("-- model avocado_question (avocado_question.sql)");
    expect(out.stderr).toContain(`${join(dir, "avocado_question.sql")}:3: DuckDB rejects the compiled SQL`);
    expect(out.stderr).toContain('Referenced column "nonsense" not found');
  });

  it("exits 2 on bad options and a missing models folder", async () => {
    expect((await run("--bogus")).exit).toBe(2);
    expect((await run("a", "b")).exit).toBe(2);
    const missing = await run("--models-dir", "nope");
    expect(missing.exit).toBe(2);
    expect(missing.stderr).toContain("nope: does not exist");
  });
});
