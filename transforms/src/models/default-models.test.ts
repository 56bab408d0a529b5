// Golden tests of the generated default models: the compiled SQL, line for line. AvocadoQuestion is the seed's
// compiled_sql with DuckDB types (VARCHAR/BIGINT for STRING/LONG, exact TIMESTAMPTZ from seconds + nanos) and
// the two envelope fields the seed lacks (entity type, payload hash).
import { loadDefaultRegistry } from "@facsimile/schemas";
import { describe, expect, it } from "vitest";
import { compileModel } from "./compile-model.js";
import { defaultModels, defaultModelTemplate } from "./default-models.js";

const registry = loadDefaultRegistry();
const compiledDefault = (name: string) => {
  const source = defaultModels(registry).find((m) => m.name === name);
  if (source === undefined) throw new Error(`no default model ${name}`);
  return compileModel(registry, source);
};

const ENVELOPE = (indent: string) =>
  [
    "CAST(envelope_fields_resource_ari_value AS VARCHAR) AS envelope_fields_resource_ari_value,",
    "CAST(envelope_fields_version AS BIGINT) AS envelope_fields_version,",
    "CAST(envelope_fields_is_tombstone AS BOOLEAN) AS envelope_fields_is_tombstone,",
    "CAST(envelope_fields_workspace_id_value AS VARCHAR) AS envelope_fields_workspace_id_value,",
    "CAST(envelope_fields_generation_counter AS BIGINT) AS envelope_fields_generation_counter,",
    "CAST(envelope_fields_entity_type AS INTEGER) AS envelope_fields_entity_type,",
    "CAST(envelope_fields_payload_hash AS VARCHAR) AS envelope_fields_payload_hash,",
  ].map((l) => indent + l);
const REQUIRED = (indent: string) =>
  [
    "CAST(row_refreshed_at AS TIMESTAMPTZ) AS row_refreshed_at,",
    "CAST(row_refreshed_at_day AS DATE) AS row_refreshed_at_day,",
    "CAST(shard_id AS VARCHAR) AS shard_id,",
    "CAST(workspace_id AS VARCHAR) AS workspace_id",
  ].map((l) => indent + l);

describe("default models", () => {
  it("compiles AvocadoQuestion to the seed's shape", () => {
    const model = compiledDefault("avocado_question");
    expect(model?.sql.split("\n")).toEqual([
      "WITH cte_0 AS (",
      "  SELECT",
      ...ENVELOPE("    "),
      "    CAST(id_value AS VARCHAR) AS id_value,",
      "    make_timestamptz(created_at_seconds * 1000000 + created_at_nanos // 1000) AS created_at,",
      "    CAST(question AS VARCHAR) AS question,",
      "    CAST(title AS VARCHAR) AS title,",
      "    make_timestamptz(updated_at_seconds * 1000000 + updated_at_nanos // 1000) AS updated_at,",
      "    CAST(author_value AS VARCHAR) AS author_value,",
      "    CAST(workspace_value AS VARCHAR) AS workspace_value,",
      "    CAST(question_adf AS VARCHAR) AS question_adf,",
      "    CAST(vote_count AS INTEGER) AS vote_count,",
      "    CAST(chosen_answer AS BOOLEAN) AS chosen_answer,",
      "    CAST(is_resolved AS BOOLEAN) AS is_resolved,",
      "    CAST(classification AS VARCHAR) AS classification,",
      ...REQUIRED("    "),
      "  FROM source_avocado_question",
      ")",
      "SELECT",
      ...ENVELOPE("  "),
      "  id_value,",
      "  created_at,",
      "  question,",
      "  title,",
      "  updated_at,",
      "  author_value,",
      "  workspace_value,",
      "  question_adf,",
      "  vote_count,",
      "  chosen_answer,",
      "  is_resolved,",
      "  classification,",
      ...REQUIRED("  "),
      "FROM cte_0",
    ]);
    expect(model?.writer).toEqual({
      kind: "merge",
      partitionColumns: ["workspace_id"],
      primaryKey: ["envelope_fields_resource_ari_value"],
      lww: {
        generation: "envelope_fields_generation_counter",
        version: "envelope_fields_version",
        tombstone: "envelope_fields_is_tombstone",
        payloadHash: "envelope_fields_payload_hash",
      },
    });
    expect(model?.table).toBe("avocado_question");
    expect(model?.entities).toEqual(["AvocadoQuestion"]);
  });

  it("compiles jira_issue: ARIs, enums, lists, nested list elements with timestamps", () => {
    const model = compiledDefault("jira_issue");
    const entity = [
      "issue_id_value",
      "key",
      "project_value",
      "summary",
      "description_value",
      "status",
      "classification",
      "assignee_value",
      "reporter_value",
      "labels",
      "fields",
      "vote_count",
      "watch_count",
      "story_points",
      "created_at",
      "updated_at",
      "resolved_at",
      "title",
    ];
    expect(model?.sql.split("\n")).toEqual([
      "WITH cte_0 AS (",
      "  SELECT",
      ...ENVELOPE("    "),
      "    CAST(issue_id_value AS VARCHAR) AS issue_id_value,",
      "    CAST(key AS VARCHAR) AS key,",
      "    CAST(project_value AS VARCHAR) AS project_value,",
      "    CAST(summary AS VARCHAR) AS summary,",
      "    CAST(description_value AS VARCHAR) AS description_value,",
      "    CAST(status AS VARCHAR) AS status,",
      "    CAST(classification AS VARCHAR) AS classification,",
      "    CAST(assignee_value AS VARCHAR) AS assignee_value,",
      "    CAST(reporter_value AS VARCHAR) AS reporter_value,",
      "    CAST(labels AS VARCHAR[]) AS labels,",
      "    list_transform(fields, lambda e1: struct_pack(",
      "      field_id := e1.field_id,",
      "      name := e1.name,",
      "      value_value := e1.value_value,",
      "      updated_at := make_timestamptz(e1.updated_at_seconds * 1000000 + e1.updated_at_nanos // 1000)",
      "    )) AS fields,",
      "    CAST(vote_count AS INTEGER) AS vote_count,",
      "    CAST(watch_count AS BIGINT) AS watch_count,",
      "    CAST(story_points AS DOUBLE) AS story_points,",
      "    make_timestamptz(created_at_seconds * 1000000 + created_at_nanos // 1000) AS created_at,",
      "    make_timestamptz(updated_at_seconds * 1000000 + updated_at_nanos // 1000) AS updated_at,",
      "    make_timestamptz(resolved_at_seconds * 1000000 + resolved_at_nanos // 1000) AS resolved_at,",
      "    CAST(title AS VARCHAR) AS title,",
      ...REQUIRED("    "),
      "  FROM source_jira_issue",
      ")",
      "SELECT",
      ...ENVELOPE("  "),
      ...entity.map((c) => `  ${c},`),
      ...REQUIRED("  "),
      "FROM cte_0",
    ]);
  });

  it("generates one default per entity, each a template using the macros", () => {
    expect(defaultModels(registry).map((m) => m.name)).toEqual([
      "avocado_question",
      "confluence_page",
      "jira_issue",
      "jira_project",
    ]);
    const template = defaultModelTemplate(registry, "ConfluencePage");
    expect(template).toContain("{{ source('entities', 'ConfluencePage') }}");
    expect(template).toContain("{{ timestamp('version_created_at') }} AS version_created_at,");
    expect(template).toContain("CAST(linked_issues AS VARCHAR[]) AS linked_issues,");
    expect(template.split("\n")[0]).toBe(
      "{{ config(writer='merge', primary_key=['envelope_fields_resource_ari_value']) }}",
    );
  });
});
