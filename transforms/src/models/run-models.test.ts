// Every compiled model (generated defaults and the hand-written ones in transforms/models) run for real in DuckDB
// over source tables loaded from encoded-then-decoded records: live rows, tombstones, nulls, nested and repeated
// values. Asserts output rows, columns and types (TIMESTAMPTZ, enum names, ARI strings), the exploded
// jira_issue_field rows and the jira_issue_change history.
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { type EntityName, loadDefaultRegistry } from "@facsimile/schemas";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkModels, wrapModelSql } from "../check/check-models.js";
import { createSourceTable } from "../source/create-source-table.js";
import { loadSourceRows, type SourceRecord } from "../source/load-source-rows.js";
import { sourceColumns } from "../source/source-columns.js";
import { avocadoQuestion, entityRecord, jiraIssue, tombstoneRecord } from "../testing/sample-records.js";
import { type CompiledModels, compileModels } from "./compile-models.js";

const registry = loadDefaultRegistry();
let instance: DuckDBInstance;
let conn: DuckDBConnection;
let compiled: CompiledModels;

const t = (iso: string) => new Date(iso);
const records: Record<EntityName, SourceRecord[]> = {
  JiraIssue: [
    entityRecord(registry, "JiraIssue", "1", jiraIssue(1, { storyPoints: 3 }), { version: 5n, offset: 1n }),
    entityRecord(registry, "JiraIssue", "1", jiraIssue(1, { storyPoints: 3 }), { version: 5n, offset: 2n }),
    entityRecord(registry, "JiraIssue", "1", jiraIssue(1, { status: "DONE" }), { version: 6n, offset: 3n }),
    entityRecord(registry, "JiraIssue", "2", jiraIssue(2, { fields: [] }), { offset: 4n }),
    tombstoneRecord(registry, "JiraIssue", "3", { offset: 5n }),
  ],
  AvocadoQuestion: [
    entityRecord(registry, "AvocadoQuestion", "1", avocadoQuestion(1)),
    tombstoneRecord(registry, "AvocadoQuestion", "2"),
  ],
  ConfluencePage: [
    entityRecord(registry, "ConfluencePage", "1", {
      pageId: "p1",
      spaceKey: "ENG",
      title: "Design",
      body: null,
      status: "CURRENT",
      classification: "PUBLIC",
      parentPageId: "p0",
      ancestorIds: ["p0"],
      labels: [],
      version: { number: 12n, authorId: "u1", message: null, createdAt: t("2024-02-03T04:05:06.789Z") },
      linkedIssues: ["ari:cloud:jira:ws-1:issue/1", "ari:cloud:jira:ws-1:issue/2"],
      wordCount: 1200,
      hasInlineComments: null,
      createdAt: t("2024-01-01T00:00:00.000Z"),
      updatedAt: t("2024-02-03T04:05:06.789Z"),
    }),
    tombstoneRecord(registry, "ConfluencePage", "2"),
  ],
  JiraProject: [
    entityRecord(registry, "JiraProject", "10", {
      projectId: "10",
      key: "FAC",
      name: "Facsimile",
      description: null,
      lead: "u1",
      projectType: "SOFTWARE",
      issueCount: 42,
      archived: false,
      createdAt: t("2023-06-01T00:00:00.000Z"),
      updatedAt: t("2024-01-01T00:00:00.000Z"),
    }),
    tombstoneRecord(registry, "JiraProject", "11"),
  ],
};

beforeAll(async () => {
  instance = await DuckDBInstance.create(":memory:");
  conn = await instance.connect();
  compiled = await compileModels(registry);
  for (const [entity, recs] of Object.entries(records)) {
    const table = await createSourceTable(conn, registry, entity);
    expect((await loadSourceRows(conn, table, recs)).rejected).toEqual([]);
  }
});
afterAll(() => {
  conn.closeSync();
  instance.closeSync();
});

/** Runs a model over the loaded sources; its rows (JSON values) and column types. */
async function run(name: string) {
  const model = compiled.byName.get(name);
  if (model === undefined) throw new Error(`no model ${name}`);
  const result = await conn.runAndReadAll(`${wrapModelSql(model.sql)} ORDER BY ALL`);
  const types = Object.fromEntries(result.columnNames().map((n, i) => [n, String(result.columnTypes()[i])]));
  return { rows: result.getRowObjectsJson(), types };
}

describe("running the compiled models", () => {
  it("passes the DuckDB check for every model and feeds JiraIssue to three tables", async () => {
    const check = await checkModels(registry, compiled.models, { connection: conn });
    expect(check.errors).toEqual([]);
    expect([...check.columns.keys()]).toEqual(compiled.models.map((m) => m.name));
    expect(compiled.byEntity.get("JiraIssue")?.map((m) => `${m.name}:${m.writer.kind}`)).toEqual([
      "jira_issue:merge",
      "jira_issue_change:append",
      "jira_issue_field:merge-exploded",
    ]);
  });

  it("runs every model: a row per record, tombstones flagged with empty entity columns, no naive timestamps", async () => {
    for (const model of compiled.models.filter((m) => m.writer.kind === "merge")) {
      const entity = model.entities[0] as EntityName;
      const { rows, types } = await run(model.name);
      expect(rows, model.name).toHaveLength(records[entity].length);
      expect(
        Object.values(types).some((ty) => /TIMESTAMP(?! WITH TIME ZONE)/.test(ty)),
        model.name,
      ).toBe(false);
      const tomb = rows.find((r) => r.envelope_fields_is_tombstone === true);
      expect(tomb?.workspace_id, model.name).toBe("ws-1");
      const entityCols = Object.keys(types).filter(
        (c) =>
          !c.startsWith("envelope_fields_") &&
          !["row_refreshed_at", "row_refreshed_at_day", "shard_id", "workspace_id"].includes(c),
      );
      expect(entityCols.length, model.name).toBeGreaterThan(5);
      expect(
        entityCols.filter((c) => tomb?.[c] !== null && tomb?.[c] !== undefined),
        model.name,
      ).toEqual([]);
    }
  });

  it("jira_issue: TIMESTAMPTZ timestamps, enum names, ARI strings, lists of converted structs", async () => {
    const { rows, types } = await run("jira_issue");
    expect(types).toMatchObject({
      created_at: "TIMESTAMP WITH TIME ZONE",
      resolved_at: "TIMESTAMP WITH TIME ZONE",
      status: "VARCHAR",
      project_value: "VARCHAR",
      labels: "VARCHAR[]",
      fields:
        'STRUCT("field_id" VARCHAR, "name" VARCHAR, "value_value" VARCHAR, "updated_at" TIMESTAMP WITH TIME ZONE)[]',
      watch_count: "BIGINT",
      row_refreshed_at: "TIMESTAMP WITH TIME ZONE",
      row_refreshed_at_day: "DATE",
    });
    const latest = rows.find((r) => r.envelope_fields_version === "6");
    expect(latest).toMatchObject({
      envelope_fields_resource_ari_value: "ari:cloud:test:ws-1:jiraissue/1",
      status: "DONE",
      classification: "INTERNAL",
      project_value: "ari:cloud:jira:ws-1:project/10",
      created_at: "2024-01-15 08:30:00.25+00",
      updated_at: "2024-02-20 16:45:10.999+00",
      resolved_at: null,
      watch_count: "9007199254740993",
      labels: ["backend", "p1"],
      fields: [
        { field_id: "cf-1", name: "Team", value_value: "Ingest", updated_at: "2024-02-01 10:00:00.123+00" },
        { field_id: "cf-2", name: "Estimate", value_value: null, updated_at: "2024-02-02 10:00:00+00" },
      ],
      shard_id: "3",
      workspace_id: "ws-1",
    });
  });

  it("jira_issue_field: one row per element with the parent key and index; one marker row for none", async () => {
    const { rows, types } = await run("jira_issue_field");
    expect(types).toMatchObject({ field_index: "INTEGER", field_updated_at: "TIMESTAMP WITH TIME ZONE" });
    const summary = rows.map(
      (r) =>
        `${r.envelope_fields_resource_ari_value}@${r.envelope_fields_version}` +
        `${r.envelope_fields_is_tombstone ? "†" : ""} #${r.field_index} ${r.field_id}=${r.field_value}`,
    );
    expect(summary).toEqual([
      "ari:cloud:test:ws-1:jiraissue/1@5 #0 cf-1=Ingest",
      "ari:cloud:test:ws-1:jiraissue/1@5 #0 cf-1=Ingest",
      "ari:cloud:test:ws-1:jiraissue/1@5 #1 cf-2=null",
      "ari:cloud:test:ws-1:jiraissue/1@5 #1 cf-2=null",
      "ari:cloud:test:ws-1:jiraissue/1@6 #0 cf-1=Ingest",
      "ari:cloud:test:ws-1:jiraissue/1@6 #1 cf-2=null",
      "ari:cloud:test:ws-1:jiraissue/2@1 #null null=null",
      "ari:cloud:test:ws-1:jiraissue/3@2† #null null=null",
    ]);
    expect(rows[4]).toMatchObject({
      issue_key: "FAC-1",
      field_name: "Team",
      field_updated_at: "2024-02-01 10:00:00.123+00",
      workspace_id: "ws-1",
    });
  });

  it("jira_issue_change: a row per record, no Kafka coordinates, an idempotent append on the record identity", async () => {
    const { rows, types } = await run("jira_issue_change");
    expect(types).toMatchObject({
      envelope_fields_version: "BIGINT",
      updated_at: "TIMESTAMP WITH TIME ZONE",
    });
    for (const gone of ["record_timestamp", "kafka_partition", "kafka_offset"])
      expect(types).not.toHaveProperty(gone);
    // The writer, not the model, drops redeliveries: the model keeps every delivered row.
    expect(rows).toHaveLength(records.JiraIssue.length);
    const model = compiled.byName.get("jira_issue_change");
    expect(model?.writer).toMatchObject({
      kind: "append",
      uniqueKey: [
        "envelope_fields_resource_ari_value",
        "envelope_fields_generation_counter",
        "envelope_fields_version",
        "envelope_fields_is_tombstone",
        "envelope_fields_payload_hash",
      ],
    });
  });

  it("avocado_question and confluence_page: nested messages flattened, BoolValue kept, names for enums", async () => {
    const avocado = (await run("avocado_question")).rows.find(
      (r) => r.envelope_fields_is_tombstone === false,
    );
    expect(avocado).toMatchObject({
      id_value: "q-1",
      created_at: "2023-11-14 22:13:20.123+00",
      classification: "CONFIDENTIAL",
      author_value: "author-1",
      chosen_answer: false,
    });
    const { rows, types } = await run("confluence_page");
    expect(types).toMatchObject({
      version_number: "BIGINT",
      version_created_at: "TIMESTAMP WITH TIME ZONE",
      has_inline_comments_value: "BOOLEAN",
    });
    expect(rows.find((r) => r.envelope_fields_is_tombstone === false)).toMatchObject({
      status: "CURRENT",
      version_number: "12",
      version_message_value: null,
      version_created_at: "2024-02-03 04:05:06.789+00",
      linked_issues: ["ari:cloud:jira:ws-1:issue/1", "ari:cloud:jira:ws-1:issue/2"],
      has_inline_comments_value: null,
    });
    expect(
      sourceColumns(registry, "ConfluencePage").some((c) => c.name === "version_created_at_seconds"),
    ).toBe(true);
  });
});
