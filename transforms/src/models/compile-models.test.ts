// compileModels over a models folder: overrides of defaults by name, switching a default off, 1:n per entity,
// and the errors a reviewer meets (config, template, SQL that DuckDB rejects), each naming the file and line.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { WriterConfig } from "@facsimile/lake";
import { loadDefaultRegistry } from "@facsimile/schemas";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkModels } from "../check/check-models.js";
import {
  ModelConfigError,
  ModelConflictError,
  ModelSqlError,
  ModelsDirError,
  ModelTemplateError,
} from "../errors.js";
import { compileModels } from "./compile-models.js";

const registry = loadDefaultRegistry();
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "facsimile-models-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const write = (name: string, text: string) => writeFile(join(dir, `${name}.sql`), text);
const MERGE = "{{ config(writer='merge', primary_key=['envelope_fields_resource_ari_value']) }}";
const QUESTIONS = `${MERGE}
SELECT
  {{ select_envelope_fields() }}
  CAST(title AS VARCHAR) AS title,
  {{ select_required_fields() }}
FROM {{ source('entities', 'AvocadoQuestion') }}
`;

async function compileError(name: string, text: string): Promise<Error> {
  await write(name, text);
  return compileModels(registry, { modelsDir: dir }).then(
    () => new Error("expected an error"),
    (err: Error) => err,
  );
}

describe("compileModels", () => {
  it("lets a model file override the default of the same name and switch a default off", async () => {
    await write("avocado_question", QUESTIONS);
    await write("jira_project", "{{ config(enabled=false) }}\nSELECT 1");
    await write(
      "avocado_votes",
      "{{ config(writer='append') }}\nSELECT vote_count, workspace_id FROM {{ source('entities', 'AvocadoQuestion') }}",
    );
    const compiled = await compileModels(registry, { modelsDir: dir });
    const question = compiled.byName.get("avocado_question");
    expect(question?.origin).toBe("file");
    expect(question?.file).toBe(join(dir, "avocado_question.sql"));
    expect(question?.sql).toContain("CAST(title AS VARCHAR) AS title,");
    expect(compiled.overridden).toEqual(["avocado_question", "jira_project"]);
    expect(compiled.disabled).toEqual(["jira_project"]);
    expect(compiled.byName.has("jira_project")).toBe(false);
    expect(compiled.byName.get("jira_issue")?.origin).toBe("default");
    expect(compiled.byEntity.get("AvocadoQuestion")?.map((m) => m.name)).toEqual([
      "avocado_question",
      "avocado_votes",
    ]);
    expect(compiled.byEntity.get("JiraProject")).toEqual([]);
    const writer: WriterConfig = (compiled.byName.get("avocado_votes") ?? compiled.models[0])
      ?.writer as WriterConfig;
    expect(writer).toEqual({ kind: "append", partitionColumns: ["workspace_id"] });
  });

  it("compiles defaults only, files only, and against other source relation names", async () => {
    await write("avocado_question", QUESTIONS);
    const defaults = await compileModels(registry, { modelsDir: null });
    expect(defaults.models.map((m) => m.name)).toEqual([
      "avocado_question",
      "confluence_page",
      "jira_issue",
      "jira_project",
    ]);
    expect(defaults.models.every((m) => m.origin === "default")).toBe(true);
    const files = await compileModels(registry, {
      modelsDir: dir,
      defaults: false,
      sourceRelation: (e) => `batch_${e}`,
    });
    expect(files.models.map((m) => m.name)).toEqual(["avocado_question"]);
    expect(files.models[0]?.sql).toContain('FROM "batch_AvocadoQuestion"');
    expect(files.models[0]?.sqlFor(() => "other")).toContain("FROM other");
  });

  it("refuses two models writing one table, and a missing folder", async () => {
    await write("questions", QUESTIONS.replace("primary_key=", "table='avocado_question', primary_key="));
    const err = await compileModels(registry, { modelsDir: dir }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(ModelConflictError);
    expect((err as Error).message).toContain("both write table avocado_question");
    await expect(compileModels(registry, { modelsDir: join(dir, "nope") })).rejects.toBeInstanceOf(
      ModelsDirError,
    );
  });

  it.each([
    ["no config", "SELECT 1 FROM {{ source('entities', 'JiraIssue') }}", "has no {{ config(...) }}"],
    ["a typo", "\n{{ config(writer='merge', primary_keys=['a']) }}", ":2: unknown config key primary_keys"],
    [
      "an unknown writer",
      "{{ config(writer='upsert') }}",
      "writer must be one of 'append', 'merge', 'merge-exploded'",
    ],
    ["a merge without key", "{{ config(writer='merge') }}", "writer='merge' needs primary_key=[...]"],
    ["a key of another writer", "{{ config(writer='append', child_key=['x']) }}", "child_key does not apply"],
    [
      "a unique key on a merge",
      "{{ config(writer='merge', unique_key=['x']) }}",
      "unique_key does not apply",
    ],
    [
      "an empty unique key",
      "{{ config(writer='append', unique_key=[]) }}",
      "unique_key must be a non-empty list",
    ],
    [
      "a partition not led by workspace_id",
      "{{ config(writer='append', partition_by=['row_refreshed_at_day']) }}",
      "partition_by must start with 'workspace_id'",
    ],
    ["a bad table name", "{{ config(writer='append', table='Issues') }}", "config table must match"],
  ])("names the file on a config error: %s", async (_what, text, message) => {
    const err = await compileError("bad_config", text);
    expect(err).toBeInstanceOf(ModelConfigError);
    expect(err.message).toContain(`${join(dir, "bad_config.sql")}`);
    expect(err.message).toContain(message);
  });

  it.each([
    [
      "an unknown macro",
      `${MERGE}\nSELECT\n  {{ selct_envelope_fields() }}\nFROM x`,
      ":3:6: unknown macro selct_envelope_fields(); the macros are config(), source()",
    ],
    [
      "an unknown source entity",
      `${MERGE}\nSELECT *\nFROM {{ source('entities', 'JiraIsue') }}`,
      ':3:9: unknown source entity "JiraIsue"; known entities: AvocadoQuestion, ConfluencePage, JiraIssue, JiraProject',
    ],
    [
      "an unknown source group",
      `${MERGE}\nSELECT * FROM {{ source('manifold_entities', 'JiraIssue') }}`,
      `:2:18: unknown source group "manifold_entities"; entities are source('entities', '<Entity>')`,
    ],
    [
      "a syntax error",
      `${MERGE}\nSELECT {{ source('entities', 'JiraIssue' }}`,
      ":2:42: parseSignature: expected comma",
    ],
    ["an unknown variable", `${MERGE}\nSELECT {{ columns }}`, ":2:8: undefined variable or value"],
    [
      "a macro's wrong arguments",
      `${MERGE}\nSELECT {{ timestamp() }}`,
      ":2:11: timestamp() takes 1 argument(s), got 0",
    ],
    ["no source", `${MERGE}\nSELECT 1`, "the model reads no source"],
    [
      "two sources",
      `${MERGE}\nSELECT * FROM {{ source('entities', 'JiraIssue') }}, {{ source('entities', 'JiraProject') }}`,
      "the model reads JiraIssue and JiraProject; a model reads exactly one entity",
    ],
  ])("names the file and line on a template error: %s", async (_what, text, message) => {
    const err = await compileError("bad_template", text);
    expect(err).toBeInstanceOf(ModelTemplateError);
    expect(err.message).toContain(
      `${join(dir, "bad_template.sql")}${message.startsWith(":") ? "" : ": "}${message}`,
    );
  });
});

describe("checkModels", () => {
  it.each([
    [
      "a column that does not exist",
      `${MERGE}\nSELECT\n  {{ select_envelope_fields() }}\n  CAST(titel AS VARCHAR) AS title,\n  {{ select_required_fields() }}\nFROM {{ source('entities', 'AvocadoQuestion') }}`,
      /bad_sql\.sql:4: DuckDB rejects the compiled SQL: Binder Error: Referenced column "titel" not found/,
    ],
    [
      "a model without the writer's columns",
      `${MERGE}\nSELECT title, workspace_id FROM {{ source('entities', 'AvocadoQuestion') }}`,
      /bad_sql\.sql: the output lacks column\(s\) envelope_fields_resource_ari_value, envelope_fields_generation_counter/,
    ],
    [
      "a naive TIMESTAMP",
      QUESTIONS.replace("CAST(title AS VARCHAR) AS title", "CAST(row_refreshed_at AS TIMESTAMP) AS seen"),
      /column seen is TIMESTAMP, a timestamp without time zone/,
    ],
    ["a trailing semicolon", `${QUESTIONS.trimEnd()};`, /the SQL ends with a semicolon/],
    ["a trailing line comment", `${QUESTIONS.trimEnd()} -- done`, /the SQL ends with a line comment/],
  ])("reports %s as a ModelSqlError naming the model file", async (_what, text, message) => {
    await write("bad_sql", text);
    await write("avocado_question", QUESTIONS);
    const compiled = await compileModels(registry, { modelsDir: dir, defaults: false });
    const check = await checkModels(registry, compiled.models);
    expect(check.errors).toHaveLength(1);
    expect(check.errors[0]).toBeInstanceOf(ModelSqlError);
    expect(check.errors[0]?.message).toMatch(message);
    expect([...check.columns.keys()]).toEqual(["avocado_question"]);
  });
});
