// The contract with @facsimile/lake end to end: the JiraIssue models' SQL as the writers' batch query and their
// writer configs as WriterConfig, over micro-batches of loaded records. Delivered in order, or shuffled and
// duplicated across micro-batches, the merge tables end equal, holding the last writer's rows (a tombstone stays
// as a flagged row; a newer generation brings a deleted issue back; a version without fields drops the older
// version's children).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { openTable, readRows, writeBatch } from "@facsimile/lake";
import { LocalObjectStore } from "@facsimile/object-store";
import { loadDefaultRegistry } from "@facsimile/schemas";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSourceTable } from "../source/create-source-table.js";
import { loadSourceRows, type SourceRecord } from "../source/load-source-rows.js";
import { entityRecord, jiraIssue, tombstoneRecord } from "../testing/sample-records.js";
import { type CompiledModels, compileModels } from "./compile-models.js";

const registry = loadDefaultRegistry();
let dir: string;
let instance: DuckDBInstance;
let conn: DuckDBConnection;
let compiled: CompiledModels;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "facsimile-transforms-lake-"));
  instance = await DuckDBInstance.create(":memory:", { threads: "1" });
  conn = await instance.connect();
  compiled = await compileModels(registry);
});
afterAll(async () => {
  conn.closeSync();
  instance.closeSync();
  await rm(dir, { recursive: true, force: true });
});

const field = (fieldId: string, value: string) => ({
  fieldId,
  name: fieldId.toUpperCase(),
  value,
  updatedAt: new Date("2024-02-01T00:00:00.000Z"),
});
const issue = (id: string, version: bigint, fields: string[], generation = 0n): SourceRecord =>
  entityRecord(
    registry,
    "JiraIssue",
    id,
    jiraIssue(Number(id), {
      summary: `${id}@${generation}.${version}`,
      fields: fields.map((f) => field(f, f)),
    }),
    { version, generation },
  );
const RECORDS: SourceRecord[] = [
  issue("1", 1n, ["a", "b"]),
  issue("1", 2n, []),
  issue("1", 3n, ["c"]),
  issue("2", 1n, ["a", "b"]),
  tombstoneRecord(registry, "JiraIssue", "2", { version: 2n }),
  issue("3", 1n, ["a"]),
  tombstoneRecord(registry, "JiraIssue", "3", { version: 2n }),
  issue("3", 1n, ["z"], 1n),
];

/** Runs the JiraIssue models over each micro-batch into the tables under `prefix`. */
async function deliver(prefix: string, batches: readonly (readonly SourceRecord[])[]) {
  const store = new LocalObjectStore(join(dir, "store"), { durable: false });
  const tableOf = (name: string) =>
    openTable(store, `${prefix}/${name}`, conn, {
      scratchDir: join(dir, "scratch"),
      cacheDir: join(dir, "cache"),
    });
  for (const [i, batch] of batches.entries()) {
    const source = await createSourceTable(conn, registry, "JiraIssue");
    const offsets = batch.map((r, j) => ({ ...r, kafkaOffset: BigInt(i * 100 + j) }));
    expect((await loadSourceRows(conn, source, offsets)).rejected).toEqual([]);
    for (const model of compiled.byEntity.get("JiraIssue") ?? [])
      await writeBatch(
        tableOf(model.table),
        model.writer,
        { sql: model.sql },
        { appId: "t", version: i + 1 },
      );
  }
  const issues = await readRows(tableOf("jira_issue"), { orderBy: "envelope_fields_resource_ari_value" });
  const fields = await readRows(tableOf("jira_issue_field"), {
    orderBy: "envelope_fields_resource_ari_value, field_index",
  });
  const changes = await readRows(tableOf("jira_issue_change"));
  return { issues, fields, changes };
}

describe("models through the lake writers", () => {
  it("converge to the last writer whatever the delivery order and duplication", async () => {
    const inOrder = await deliver("ordered", [RECORDS.slice(0, 2), RECORDS.slice(2, 5), RECORDS.slice(5)]);
    const r = RECORDS;
    const shuffled = await deliver("shuffled", [
      [r[7], r[2], r[4], r[7]],
      [r[0], r[6], r[1], r[3]],
      [r[5], r[3], r[1], r[2], r[0]],
    ] as SourceRecord[][]);
    expect(shuffled.issues).toEqual(inOrder.issues);
    expect(shuffled.fields).toEqual(inOrder.fields);
    expect(
      inOrder.issues.map((i) => [
        i.envelope_fields_resource_ari_value,
        i.summary,
        i.envelope_fields_is_tombstone,
      ]),
    ).toEqual([
      ["ari:cloud:test:ws-1:jiraissue/1", "1@0.3", false],
      ["ari:cloud:test:ws-1:jiraissue/2", null, true],
      ["ari:cloud:test:ws-1:jiraissue/3", "3@1.1", false],
    ]);
    expect(
      inOrder.fields.map(
        (f) => `${f.envelope_fields_resource_ari_value}@${f.envelope_fields_version} ${f.field_id}`,
      ),
    ).toEqual([
      "ari:cloud:test:ws-1:jiraissue/1@3 c",
      "ari:cloud:test:ws-1:jiraissue/2@2 null",
      "ari:cloud:test:ws-1:jiraissue/3@1 z",
    ]);
    expect(inOrder.changes).toHaveLength(RECORDS.length);
    expect(inOrder.issues[0]?.workspace_id).toBe("ws-1");
  });

  it("drops an issue's field rows when a later micro-batch brings a version without fields", async () => {
    const emptied = await deliver("emptied", [[RECORDS[0]], [RECORDS[1]]] as SourceRecord[][]);
    expect(emptied.fields.map((f) => [f.envelope_fields_version, f.field_index, f.field_id])).toEqual([
      ["2", null, null],
    ]);
    expect(emptied.issues.map((i) => i.fields)).toEqual([[]]);
  });
});
