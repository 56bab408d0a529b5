// The source relation contract: its columns and types, and loading real encoded/decoded records into it with the
// appender (tombstones, nulls, nested and repeated values), rejecting bad records one by one.
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { loadDefaultRegistry } from "@facsimile/schemas";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SourceRowError } from "../errors.js";
import {
  avocadoQuestion,
  EMPTY_SHA256,
  entityRecord,
  jiraIssue,
  tombstoneRecord,
} from "../testing/sample-records.js";
import { createSourceTable } from "./create-source-table.js";
import { loadSourceRows, type SourceRecord } from "./load-source-rows.js";
import { sourceColumns } from "./source-columns.js";

const registry = loadDefaultRegistry();
let instance: DuckDBInstance;
let conn: DuckDBConnection;
beforeAll(async () => {
  instance = await DuckDBInstance.create(":memory:");
  conn = await instance.connect();
});
afterAll(() => {
  conn.closeSync();
  instance.closeSync();
});

const rows = async (sql: string) => (await conn.runAndReadAll(sql)).getRowObjectsJson();
const ingestedAt = new Date("2024-03-01T12:00:05.000Z");

describe("sourceColumns", () => {
  it("lists envelope, entity, required and metadata columns with DuckDB types", () => {
    const cols = sourceColumns(registry, "JiraIssue").map(
      (c) => `${c.name} ${c.type}${c.nullable ? "" : "!"}`,
    );
    expect(cols).toEqual([
      "envelope_fields_resource_ari_value VARCHAR!",
      "envelope_fields_version BIGINT!",
      "envelope_fields_is_tombstone BOOLEAN!",
      "envelope_fields_workspace_id_value VARCHAR!",
      "envelope_fields_generation_counter BIGINT!",
      "envelope_fields_entity_type INTEGER!",
      "envelope_fields_payload_hash VARCHAR!",
      "issue_id_value VARCHAR",
      "key VARCHAR",
      "project_value VARCHAR",
      "summary VARCHAR",
      "description_value VARCHAR",
      "status VARCHAR",
      "classification VARCHAR",
      "assignee_value VARCHAR",
      "reporter_value VARCHAR",
      "labels VARCHAR[]",
      "fields STRUCT(field_id VARCHAR, name VARCHAR, value_value VARCHAR, updated_at_seconds BIGINT, updated_at_nanos INTEGER)[]",
      "vote_count INTEGER",
      "watch_count BIGINT",
      "story_points DOUBLE",
      "created_at_seconds BIGINT",
      "created_at_nanos INTEGER",
      "updated_at_seconds BIGINT",
      "updated_at_nanos INTEGER",
      "resolved_at_seconds BIGINT",
      "resolved_at_nanos INTEGER",
      "title VARCHAR",
      "row_refreshed_at TIMESTAMPTZ!",
      "row_refreshed_at_day DATE!",
      "shard_id VARCHAR!",
      "workspace_id VARCHAR!",
      "_record_timestamp TIMESTAMPTZ!",
      "_ingested_at TIMESTAMPTZ!",
      "_kafka_partition INTEGER!",
      "_kafka_offset BIGINT!",
    ]);
  });

  it("flattens nested messages and keeps repeated ARIs as string lists", () => {
    const cols = Object.fromEntries(sourceColumns(registry, "ConfluencePage").map((c) => [c.name, c.type]));
    expect(cols).toMatchObject({
      version_number: "BIGINT",
      version_author_id_value: "VARCHAR",
      version_created_at_seconds: "BIGINT",
      linked_issues: "VARCHAR[]",
      has_inline_comments_value: "BOOLEAN",
    });
  });
});

describe("loadSourceRows", () => {
  it("loads live records and tombstones with every column shape", async () => {
    const table = await createSourceTable(conn, registry, "JiraIssue");
    expect(table.name).toBe("source_jira_issue");
    const records = [
      entityRecord(registry, "JiraIssue", "1", jiraIssue(1, { storyPoints: 2.5, resolvedAt: new Date(0) }), {
        version: 7n,
        generation: 1n,
      }),
      entityRecord(registry, "JiraIssue", "2", jiraIssue(2, { fields: [] }), { offset: 102n }),
      tombstoneRecord(registry, "JiraIssue", "3", { workspace: "ws-2", partition: 5 }),
    ];
    const result = await loadSourceRows(conn, table, records, { ingestedAt });
    expect(result).toEqual({ loaded: 3, rejected: [] });
    const got = await rows(
      "SELECT * EXCLUDE (envelope_fields_payload_hash), envelope_fields_payload_hash = '" +
        `${EMPTY_SHA256}' AS empty_hash FROM source_jira_issue ORDER BY envelope_fields_resource_ari_value`,
    );
    expect(got[0]).toMatchObject({
      envelope_fields_resource_ari_value: "ari:cloud:test:ws-1:jiraissue/1",
      envelope_fields_version: "7",
      envelope_fields_generation_counter: "1",
      envelope_fields_is_tombstone: false,
      envelope_fields_workspace_id_value: "ari:cloud:platform::workspace/ws-1",
      envelope_fields_entity_type: 3,
      empty_hash: false,
      issue_id_value: "10001",
      key: "FAC-1",
      project_value: "ari:cloud:jira:ws-1:project/10",
      description_value: "Description of 1",
      status: "IN_PROGRESS",
      classification: "INTERNAL",
      labels: ["backend", "p1"],
      fields: [
        {
          field_id: "cf-1",
          name: "Team",
          value_value: "Ingest",
          updated_at_seconds: "1706781600",
          updated_at_nanos: 123_000_000,
        },
        {
          field_id: "cf-2",
          name: "Estimate",
          value_value: null,
          updated_at_seconds: "1706868000",
          updated_at_nanos: 0,
        },
      ],
      vote_count: 1,
      watch_count: "9007199254740993",
      story_points: 2.5,
      created_at_seconds: "1705307400",
      created_at_nanos: 250_000_000,
      resolved_at_seconds: "0",
      title: null,
      row_refreshed_at: "2024-03-01 12:00:00+00",
      row_refreshed_at_day: "2024-03-01",
      shard_id: "3",
      workspace_id: "ws-1",
      _record_timestamp: "2024-03-01 12:00:00+00",
      _ingested_at: "2024-03-01 12:00:05+00",
      _kafka_partition: 3,
      _kafka_offset: "100",
    });
    expect(got[1]).toMatchObject({ fields: [], labels: [], description_value: null, story_points: null });
    expect(got[1]?.resolved_at_seconds).toBeNull();
    const tomb = got[2] ?? {};
    expect(tomb).toMatchObject({
      envelope_fields_resource_ari_value: "ari:cloud:test:ws-2:jiraissue/3",
      envelope_fields_is_tombstone: true,
      empty_hash: true,
      workspace_id: "ws-2",
      shard_id: "5",
    });
    const entityValues = sourceColumns(registry, "JiraIssue")
      .filter((c) => c.role === "entity")
      .map((c) => tomb[c.name]);
    expect(entityValues.every((v) => v === null)).toBe(true);
  });

  it("rejects bad records one by one and loads the rest", async () => {
    const table = await createSourceTable(conn, registry, "JiraIssue", { name: "src_rejects" });
    const good = entityRecord(registry, "JiraIssue", "1", jiraIssue(1));
    const row = good.row ?? {};
    const bad: SourceRecord[] = [
      { ...good, entityType: 1 },
      { ...good, row: { ...row, vote_count: "many" } },
      { ...good, row: { ...row, labels: ["ok", 7] } },
      { ...good, row: { ...row, fields: [{ field_id: 1 }] } },
      { ...good, workspaceId: "ari:cloud:jira:ws-1:issue/1" },
      { ...good, row: null },
      { ...good, version: 2n ** 64n },
    ];
    const result = await loadSourceRows(conn, table, [good, ...bad, good], { ingestedAt });
    expect(result.loaded).toBe(2);
    expect(result.rejected.map((r) => [r.index, r.error.context.column])).toEqual([
      [1, "envelope_fields_entity_type"],
      [2, "vote_count"],
      [3, "labels"],
      [4, "fields"],
      [5, "workspace_id"],
      [6, "row"],
      [7, "envelope_fields_version"],
    ]);
    expect(result.rejected[0]?.error).toBeInstanceOf(SourceRowError);
    expect(result.rejected[3]?.error.message).toBe(
      "record 4 of JiraIssue: column fields: fields[0].field_id: expected a string, got number 1",
    );
    expect(await rows("SELECT count(*)::INTEGER AS n FROM src_rejects")).toEqual([{ n: 2 }]);
  });

  it("appends further loads to the same table", async () => {
    const table = await createSourceTable(conn, registry, "AvocadoQuestion");
    const batch = Array.from({ length: 2_000 }, (_, i) =>
      entityRecord(registry, "AvocadoQuestion", String(i), avocadoQuestion(i), { offset: BigInt(i) }),
    );
    await loadSourceRows(conn, table, batch.slice(0, 500));
    await loadSourceRows(conn, table, batch.slice(500));
    expect(
      await rows(
        "SELECT count(*)::INTEGER AS n, count(DISTINCT _kafka_offset)::INTEGER AS offsets, " +
          "count(author_value)::INTEGER AS authors FROM source_avocado_question",
      ),
    ).toEqual([{ n: 2_000, offsets: 2_000, authors: 1_000 }]);
  });
});
