// Loads records (envelope fields + the decoded flat row + where the record was read) into a source table with
// DuckDB's appender (one native call per value, no SQL per row) into a staging table, then one INSERT. A record
// that does not fit (a value of the wrong type, a missing payload, another entity's type id) is skipped and
// reported, never half-appended, so one bad record is dead-lettered while the rest of the batch flows. It never
// decodes payloads: that is the caller's.
import type { DuckDBConnection } from "@duckdb/node-api";
import type { FlatRow } from "@facsimile/schemas";
import { SourceRowError } from "../errors.js";
import { sqlIdent } from "../names.js";
import { type ColumnEncoder, columnEncoder, Invalid } from "./column-encoders.js";
import type { SourceTable } from "./create-source-table.js";

/** One record as the ingest stage has it after decoding; field names follow @facsimile/bus' FacsimileRecord. */
export interface SourceRecord {
  /** `ari:cloud:<product>:<workspace-id>:<type>/<id>`: the row key. */
  readonly resourceAri: string;
  readonly entityType: number;
  /** The workspace ARI, `ari:cloud:platform::workspace/<id>`; `<id>` becomes the `workspace_id` column. */
  readonly workspaceId: string;
  readonly version: bigint;
  readonly generationWatermark: bigint;
  readonly isTombstone: boolean;
  /** Lowercase hex sha256 of the payload (of zero bytes for a tombstone), as the bus computes it. */
  readonly payloadHash: string;
  /** decodeEntityRow() of the payload; null (or ignored) for a tombstone. */
  readonly row: FlatRow | null;
  /** The Kafka record's timestamp: becomes row_refreshed_at. */
  readonly recordTimestamp: Date;
  readonly kafkaPartition: number;
  readonly kafkaOffset: bigint | number;
}

export interface LoadSourceOptions {
  /** The `_ingested_at` of every record of this load; undefined: the current time. */
  readonly ingestedAt: Date | undefined;
}

export const LOAD_SOURCE_DEFAULTS: Readonly<LoadSourceOptions> = Object.freeze({ ingestedAt: undefined });

export interface RejectedRecord {
  /** Index in the `records` argument. */
  readonly index: number;
  readonly error: SourceRowError;
}

export interface LoadSourceResult {
  readonly loaded: number;
  readonly rejected: readonly RejectedRecord[];
}

/** Rows appended between two turns of the event loop. */
const YIELD_EVERY_ROWS = 4_096;

const WORKSPACE_ARI = /^ari:cloud:platform::workspace\/(.+)$/;

type Getter = (r: SourceRecord, ingestedAt: Date) => unknown;

/** How each non-entity column is read off a record. */
const GETTERS: Readonly<Record<string, Getter>> = {
  envelope_fields_resource_ari_value: (r) => r.resourceAri,
  envelope_fields_version: (r) => r.version,
  envelope_fields_is_tombstone: (r) => r.isTombstone,
  envelope_fields_workspace_id_value: (r) => r.workspaceId,
  envelope_fields_generation_counter: (r) => r.generationWatermark,
  envelope_fields_entity_type: (r) => r.entityType,
  envelope_fields_payload_hash: (r) => r.payloadHash,
  row_refreshed_at: (r) => r.recordTimestamp,
  row_refreshed_at_day: (r) => r.recordTimestamp,
  shard_id: (r) => (Number.isInteger(r.kafkaPartition) ? String(r.kafkaPartition) : null),
  workspace_id: (r) =>
    typeof r.workspaceId === "string" ? (WORKSPACE_ARI.exec(r.workspaceId)?.[1] ?? null) : null,
  _record_timestamp: (r) => r.recordTimestamp,
  _ingested_at: (_r, ingestedAt) => ingestedAt,
  _kafka_partition: (r) => r.kafkaPartition,
  _kafka_offset: (r) => r.kafkaOffset,
};

interface Column {
  readonly name: string;
  readonly nullable: boolean;
  readonly encoder: ColumnEncoder;
  readonly get: Getter | undefined;
}

export async function loadSourceRows(
  connection: DuckDBConnection,
  table: SourceTable,
  records: readonly SourceRecord[],
  options: Partial<LoadSourceOptions> = {},
): Promise<LoadSourceResult> {
  const ingestedAt = options.ingestedAt ?? LOAD_SOURCE_DEFAULTS.ingestedAt ?? new Date();
  const columns: Column[] = table.columns.map((c) => ({
    name: c.name,
    nullable: c.nullable,
    encoder: columnEncoder(c.name, c.type, c.columnType),
    get: c.role === "entity" ? undefined : GETTERS[c.name],
  }));
  const staging = `${table.name}__staging_${Math.random().toString(36).slice(2, 10)}`;
  const defs = columns.map((c) => `${sqlIdent(c.name)} ${c.encoder.stagingType}`);
  await connection.run(`CREATE OR REPLACE TEMP TABLE ${sqlIdent(staging)} (${defs.join(", ")})`);
  const rejected: RejectedRecord[] = [];
  const prepared: unknown[] = new Array(columns.length);
  let loaded = 0;
  try {
    const appender = await connection.createAppender(staging);
    try {
      for (let i = 0; i < records.length; i++) {
        // A large load is tens of milliseconds per few thousand rows of synchronous work: let the event loop run
        // in between (the ingest worker appends to its sink on the same thread while it merges).
        if (i > 0 && i % YIELD_EVERY_ROWS === 0) await new Promise<void>((resolve) => setImmediate(resolve));
        const record = records[i] as SourceRecord;
        const problem = prepareRow(table, record, columns, ingestedAt, prepared);
        if (problem !== undefined) {
          rejected.push({
            index: i,
            error: new SourceRowError(table.entity, i, problem.column, problem.reason),
          });
          continue;
        }
        for (let c = 0; c < columns.length; c++) (columns[c] as Column).encoder.append(appender, prepared[c]);
        appender.endRow();
        loaded++;
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
    const select = columns.map((c) => {
      const ref = sqlIdent(c.name);
      return c.encoder.finish === undefined ? ref : `${c.encoder.finish(ref)} AS ${ref}`;
    });
    await connection.run(
      `INSERT INTO ${sqlIdent(table.name)} SELECT ${select.join(", ")} FROM ${sqlIdent(staging)}`,
    );
  } finally {
    await connection.run(`DROP TABLE IF EXISTS ${sqlIdent(staging)}`);
  }
  return { loaded, rejected };
}

/** Fills `out` with the record's prepared values; returns what is wrong with it, if anything. */
function prepareRow(
  table: SourceTable,
  record: SourceRecord,
  columns: readonly Column[],
  ingestedAt: Date,
  out: unknown[],
): { column: string; reason: string } | undefined {
  if (record.entityType !== table.entityType)
    return {
      column: "envelope_fields_entity_type",
      reason: `entity type ${record.entityType} is not ${table.entity}'s (${table.entityType})`,
    };
  const row = record.isTombstone ? null : record.row;
  if (row === null && !record.isTombstone)
    return { column: "row", reason: "a record that is not a tombstone needs its decoded payload row" };
  for (let c = 0; c < columns.length; c++) {
    const column = columns[c] as Column;
    const raw =
      column.get === undefined ? (row === null ? null : row[column.name]) : column.get(record, ingestedAt);
    const value = column.encoder.prepare(raw);
    if (value instanceof Invalid) return { column: column.name, reason: value.reason };
    if (value === null && !column.nullable)
      return {
        column: column.name,
        reason:
          column.name === "workspace_id"
            ? `workspace ARI ${JSON.stringify(record.workspaceId)} is not ari:cloud:platform::workspace/<id>`
            : "must not be null",
      };
    out[c] = value;
  }
  return undefined;
}
