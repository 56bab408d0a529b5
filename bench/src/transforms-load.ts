// Benchmark of the transforms source loader and the models, in one run (a program, not a test: it prints,
// asserts nothing):
//   - loadSourceRows (appender; list columns staged as JSON) rows/s for JiraIssue (repeated and nested fields)
//     and AvocadoQuestion (scalars only), against a baseline of the same rows loaded as one JSON document through
//     from_json (the way @facsimile/lake's BatchSource `rows` path materializes JS rows);
//   - the JiraIssue models (jira_issue, jira_issue_field, jira_issue_change) over the loaded source, rows/s.
// Run: `node bench/dist/index.js transforms-load [--rows 100000]`.
import { createHash } from "node:crypto";
import { parseArgs } from "node:util";
import { openDuckDb } from "@facsimile/lake";
import { decodeEntityRow, encodeEntity, loadDefaultRegistry, type SchemaRegistry } from "@facsimile/schemas";
import {
  compileModels,
  createSourceTable,
  loadSourceRows,
  type SourceRecord,
  sourceColumns,
  wrapModelSql,
} from "@facsimile/transforms";

type Connection = Awaited<ReturnType<typeof openDuckDb>>["connection"];
type ValueOf = (i: number) => Record<string, unknown>;

const T0 = 1_700_000_000_000;

const jira: ValueOf = (i) => ({
  issueId: String(i),
  key: `FAC-${i}`,
  project: "ari:cloud:jira:ws-1:project/1",
  summary: `Issue ${i} summary text`,
  description: i % 2 ? null : "A description of moderate length for the benchmark",
  status: "IN_PROGRESS",
  classification: "INTERNAL",
  assignee: `user-${i % 100}`,
  reporter: "user-0",
  labels: ["backend", "p1"],
  fields: [
    { fieldId: "cf-1", name: "Team", value: "Ingest", updatedAt: new Date(T0) },
    { fieldId: "cf-2", name: "Estimate", value: null, updatedAt: new Date(T0) },
  ],
  voteCount: i % 10,
  watchCount: BigInt(i),
  createdAt: new Date(T0),
  updatedAt: new Date(T0 + i),
});

const avocado: ValueOf = (i) => ({
  id: `q-${i}`,
  createdAt: new Date(T0),
  question: `How do I do thing ${i}?`,
  title: `Thing ${i}`,
  updatedAt: new Date(T0 + i),
  author: i % 2 ? null : `author-${i}`,
  workspace: "ws-1",
  questionAdf: '{"type":"doc"}',
  voteCount: i,
  chosenAnswer: i % 2 === 0,
  isResolved: true,
  classification: "CONFIDENTIAL",
});

function records(registry: SchemaRegistry, entity: string, value: ValueOf, n: number): SourceRecord[] {
  const info = registry.entity(entity);
  const out: SourceRecord[] = [];
  for (let i = 0; i < n; i++) {
    const bytes = encodeEntity(registry, entity, value(i));
    out.push({
      resourceAri: `ari:cloud:bench:ws-${i % 50}:x/${i}`,
      entityType: info.entityType,
      workspaceId: `ari:cloud:platform::workspace/ws-${i % 50}`,
      version: BigInt(i),
      generationWatermark: 0n,
      isTombstone: false,
      payloadHash: createHash("sha256").update(bytes).digest("hex"),
      row: decodeEntityRow(registry, info.typeUrl, bytes),
      recordTimestamp: new Date(T0 + i),
      kafkaPartition: i % 8,
      kafkaOffset: BigInt(i),
    });
  }
  return out;
}

/** Baseline: the same columns as one JSON document, typed by from_json into a temp table. */
async function jsonLoad(
  conn: Connection,
  registry: SchemaRegistry,
  entity: string,
  recs: readonly SourceRecord[],
): Promise<void> {
  const cols = sourceColumns(registry, entity).filter((c) => c.role === "entity" || c.role === "envelope");
  const structure = `{${cols.map((c) => `${JSON.stringify(c.name)}: ${JSON.stringify(c.type)}`).join(", ")}}`;
  const json = JSON.stringify(
    recs.map((r) => ({
      envelope_fields_resource_ari_value: r.resourceAri,
      envelope_fields_version: r.version,
      envelope_fields_is_tombstone: r.isTombstone,
      envelope_fields_workspace_id_value: r.workspaceId,
      envelope_fields_generation_counter: r.generationWatermark,
      envelope_fields_entity_type: r.entityType,
      envelope_fields_payload_hash: r.payloadHash,
      ...r.row,
    })),
    (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v),
  );
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE baseline AS SELECT unnest(from_json($1::JSON, '[${structure.replaceAll("'", "''")}]'), recursive := true)`,
    [json],
  );
}

const rate = (n: number, ms: number): string =>
  `${Math.round(n / (ms / 1000)).toLocaleString("en-US")} rows/s`;

export default async function main(): Promise<void> {
  // Positionals are bench names when run through index.js.
  const { values } = parseArgs({
    allowPositionals: true,
    options: { rows: { type: "string", default: "100000" } },
  });
  const n = Number(values.rows);
  const registry = loadDefaultRegistry();
  const db = await openDuckDb({ config: { threads: "2" } });
  try {
    const conn = db.connection;
    for (const [entity, value] of [
      ["JiraIssue", jira],
      ["AvocadoQuestion", avocado],
    ] as const) {
      const recs = records(registry, entity, value, n);
      let t = performance.now();
      await jsonLoad(conn, registry, entity, recs);
      const baseMs = performance.now() - t;
      const table = await createSourceTable(conn, registry, entity);
      t = performance.now();
      const cpu = process.cpuUsage();
      const { loaded } = await loadSourceRows(conn, table, recs);
      const ms = performance.now() - t;
      const { user, system } = process.cpuUsage(cpu);
      console.log(
        `loadSourceRows ${entity}: ${rate(loaded, ms)} (${rate(loaded, (user + system) / 1000)} of CPU time); ` +
          `baseline JSON load ${rate(n, baseMs)}; ratio ${(baseMs / ms).toFixed(2)}x the baseline's speed`,
      );
    }
    const compiled = await compileModels(registry);
    for (const model of compiled.byEntity.get("JiraIssue") ?? []) {
      const t = performance.now();
      await conn.run(`CREATE OR REPLACE TEMP TABLE out AS ${wrapModelSql(model.sql)}`);
      const ms = performance.now() - t;
      const rows = (await conn.runAndReadAll("SELECT count(*)::INTEGER FROM out")).getRows()[0]?.[0];
      console.log(
        `model ${model.name}: ${rate(n, ms)} source rows (${String(rows)} output rows, ${ms.toFixed(0)} ms)`,
      );
    }
  } finally {
    db.close();
  }
}
