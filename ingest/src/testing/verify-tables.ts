// Compares a region's target tables with the last-writer-wins oracle of a workload (tests and benchmarks only):
// the Merge tables hold exactly the winner of every resource, the exploded table holds exactly the winner's
// children, and the Append change history holds every delivered JiraIssue record once per delivery it was
// merged from and never the same Kafka record twice. Returns the differences as readable lines.

import { openTable, readRows, regionLayout, type Table } from "@facsimile/lake";
import type { ObjectStore } from "@facsimile/object-store";
import { recordLwwKey } from "@facsimile/protocol";
import { decodeEntity, type SchemaRegistry } from "@facsimile/schemas";
import type { WorkloadRecord } from "./workload.js";

export interface VerifyTablesInput {
  readonly store: ObjectStore;
  readonly lakeRoot?: string;
  readonly region: string;
  readonly connection: Table["duckdb"];
  readonly registry: SchemaRegistry;
  /** The oracle: lwwOracle() of the records the worker should have ingested. */
  readonly winners: ReadonlyMap<string, WorkloadRecord>;
  /** Every delivered record that should have been ingested (duplicates once per delivery). */
  readonly delivered: readonly WorkloadRecord[];
  /** Offloaded payloads, for the byte-for-byte check of large pages; optional. */
  readonly offloadedBytes?: ReadonlyMap<string, Uint8Array>;
}

export interface VerifyTablesResult {
  readonly differences: readonly string[];
  readonly rows: Readonly<Record<string, number>>;
}

const MERGE_TABLES = Object.freeze({
  JiraIssue: "jira_issue",
  JiraProject: "jira_project",
  ConfluencePage: "confluence_page",
});

type Row = Record<string, unknown>;

function lwwText(r: WorkloadRecord): string {
  const k = recordLwwKey(r.record);
  return `${k.generationWatermark}/${k.version}/${k.isTombstone}/${k.payloadHash}`;
}

function rowLww(row: Row): string {
  return (
    `${row.envelope_fields_generation_counter}/${row.envelope_fields_version}/` +
    `${row.envelope_fields_is_tombstone}/${row.envelope_fields_payload_hash}`
  );
}

export async function verifyTables(input: VerifyTablesInput): Promise<VerifyTablesResult> {
  const root = (input.lakeRoot ?? "").replace(/^\/+|\/+$/g, "");
  const read = async (name: string): Promise<Row[]> => {
    const path = regionLayout.table(input.region, name);
    const table = openTable(input.store, root === "" ? path : `${root}/${path}`, input.connection);
    try {
      return await readRows(table);
    } catch (err) {
      if ((err as { code?: unknown }).code === "TABLE_NOT_FOUND") return [];
      throw err;
    }
  };
  const differences: string[] = [];
  const rows: Record<string, number> = {};
  const winners = [...input.winners.values()];

  for (const [entity, name] of Object.entries(MERGE_TABLES)) {
    const got = await read(name);
    rows[name] = got.length;
    const byAri = new Map<string, Row>();
    for (const row of got) {
      const ari = row.envelope_fields_resource_ari_value as string;
      if (byAri.has(ari)) differences.push(`${name}: two rows for ${ari}`);
      byAri.set(ari, row);
    }
    for (const w of winners.filter((x) => x.entity === entity)) {
      const ari = w.record.resourceAri;
      const row = byAri.get(ari);
      byAri.delete(ari);
      if (row === undefined) {
        differences.push(`${name}: no row for ${ari} (winner ${lwwText(w)})`);
        continue;
      }
      if (rowLww(row) !== lwwText(w))
        differences.push(`${name}: ${ari} holds ${rowLww(row)}, the winner is ${lwwText(w)}`);
      else if (!w.record.isTombstone) {
        const p = w.record.payload;
        const bytes =
          p.case === "entity"
            ? p.value.value
            : p.case === "offloadPointer"
              ? input.offloadedBytes?.get(p.value.uri)
              : undefined;
        if (bytes !== undefined) {
          const value = decodeEntity(input.registry, entity, bytes) as Record<string, unknown>;
          const [column, field] =
            entity === "ConfluencePage"
              ? ["body_value", "body"]
              : entity === "JiraIssue"
                ? ["summary", "summary"]
                : ["name", "name"];
          if (row[column] !== value[field])
            differences.push(`${name}: ${ari} column ${column} differs from the winner's payload`);
        }
      }
    }
    for (const ari of byAri.keys()) differences.push(`${name}: unexpected row ${ari}`);
  }

  const fields = await read("jira_issue_field");
  rows.jira_issue_field = fields.length;
  const children = new Map<string, Row[]>();
  for (const row of fields) {
    const ari = row.envelope_fields_resource_ari_value as string;
    children.set(ari, [...(children.get(ari) ?? []), row]);
  }
  for (const w of winners.filter((x) => x.entity === "JiraIssue")) {
    const ari = w.record.resourceAri;
    const got = children.get(ari) ?? [];
    children.delete(ari);
    const p = w.record.payload;
    const value =
      p.case === "entity"
        ? (decodeEntity(input.registry, "JiraIssue", p.value.value) as { fields?: unknown[] })
        : undefined;
    const expected = Math.max(1, value?.fields?.length ?? 0);
    if (got.length !== expected)
      differences.push(`jira_issue_field: ${ari} has ${got.length} rows, expected ${expected}`);
    for (const row of got)
      if (rowLww(row) !== lwwText(w))
        differences.push(
          `jira_issue_field: ${ari} has a child of ${rowLww(row)}, the winner is ${lwwText(w)}`,
        );
  }
  for (const ari of children.keys()) differences.push(`jira_issue_field: unexpected rows of ${ari}`);

  const changes = await read("jira_issue_change");
  rows.jira_issue_change = changes.length;
  const seenOffsets = new Set<string>();
  const seenVersions = new Set<string>();
  for (const row of changes) {
    const at = `${row.kafka_partition}/${row.kafka_offset}`;
    if (seenOffsets.has(at)) differences.push(`jira_issue_change: Kafka record ${at} was appended twice`);
    seenOffsets.add(at);
    seenVersions.add(`${row.envelope_fields_resource_ari_value}@${rowLww(row)}`);
  }
  const wanted = new Set(
    input.delivered
      .filter((d) => d.entity === "JiraIssue")
      .map((d) => `${d.record.resourceAri}@${lwwText(d)}`),
  );
  for (const v of wanted) if (!seenVersions.has(v)) differences.push(`jira_issue_change: missing ${v}`);
  for (const v of seenVersions) if (!wanted.has(v)) differences.push(`jira_issue_change: unexpected ${v}`);
  return { differences, rows };
}
