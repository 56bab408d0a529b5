// Loads accepted records into a DuckDB table in the sink's column shape, through DuckDB's appender (a few native
// calls per value, an order of magnitude faster than JSON for byte payloads). The table lives in the in-memory
// database, so every connection of the instance can append from it in parallel; it is the caller's to drop.
// Writes nothing to any lake table.
import { type BatchSource, type Table, tempName } from "@facsimile/lake";
import type { AcceptedRecord } from "../records/classify-messages.js";
import { SINK_COLUMNS } from "./sink-table.js";

/** Staging columns: the sink's, with times as epoch milliseconds (converted in SQL) and without the day. */
const STAGING_DDL = SINK_COLUMNS.filter(([name]) => name !== "record_day")
  .map(([name, type]) => (type === "TIMESTAMPTZ" ? `${name}_ms BIGINT` : `${name} ${type}`))
  .join(", ");

const EPOCH = "to_timestamp(0)";

/** The sink rows of a staging table, in table column order, optionally filtered (a SQL condition). */
export function stagedSinkSource(staging: string, where = "true"): BatchSource {
  const select = SINK_COLUMNS.map(([name, type]) => {
    if (type === "TIMESTAMPTZ") return `${EPOCH} + to_milliseconds(${name}_ms) AS ${name}`;
    if (name === "record_day")
      return `CAST(timezone('UTC', ${EPOCH} + to_milliseconds(record_time_ms)) AS DATE) AS record_day`;
    return name;
  });
  return { sql: `SELECT ${select.join(", ")} FROM ${staging} WHERE ${where}` };
}

/** Creates an in-memory table holding `records`; returns its name. */
export async function stageSinkRows(
  table: Table,
  records: readonly AcceptedRecord[],
  ingestTime: number,
): Promise<string> {
  const name = tempName("ingest_stage");
  const conn = table.duckdb;
  await conn.run(`CREATE TABLE ${name} (${STAGING_DDL})`);
  const appender = await conn.createAppender(name);
  try {
    const ingestMs = BigInt(ingestTime);
    for (const r of records) {
      const e = r.decoded.envelope;
      const m = r.message;
      appender.appendVarchar(e.resourceAri);
      appender.appendInteger(e.entityType);
      appender.appendVarchar(r.decoded.entity.name);
      appender.appendVarchar(r.decoded.entity.typeUrl);
      appender.appendVarchar(r.workspaceId);
      appender.appendBigInt(e.version);
      appender.appendBigInt(e.generationWatermark);
      appender.appendBoolean(e.isTombstone);
      appender.appendVarchar(r.decoded.payloadHash);
      appender.appendBoolean(r.decoded.offloaded);
      if (r.decoded.payload === undefined) appender.appendNull();
      else appender.appendBlob(r.decoded.payload);
      appender.appendVarchar(m.topic);
      appender.appendInteger(m.partition);
      appender.appendBigInt(m.offset);
      appender.appendBigInt(BigInt(m.timestamp));
      appender.appendBigInt(ingestMs);
      appender.endRow();
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
  return name;
}
