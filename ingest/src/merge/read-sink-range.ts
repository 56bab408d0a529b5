// The merge stage's slow path: the records the sink gained in versions (from, to], read back from the data files
// those commits added: the difference of the two snapshots. A snapshot cannot say which files were new data
// (checkpoints drop dataChange), so when files also went away in the range (a compaction rewrote them), rows
// already in those files are not new and are left out by their Kafka coordinates. Used after a restart, or when
// the in-memory copy of a sink version is gone. Read-only.

import {
  type AddAction,
  loadSnapshot,
  quoteLiteral,
  readTable,
  type Snapshot,
  type Table,
} from "@facsimile/lake";
import { workspaceAriString } from "@facsimile/protocol";
import { decodeEntityRow, type FlatRow, type SchemaRegistry } from "@facsimile/schemas";
import { isSinkAppId } from "../sink/sink-table.js";
import type { SinkRecord } from "./sink-record.js";

export interface SinkRange {
  readonly records: readonly SinkRecord[];
  /** Rows whose payload no longer decodes (e.g. the registry changed): dead-lettered by the caller. */
  readonly undecodable: readonly { readonly record: SinkRecord; readonly error: unknown }[];
  readonly files: number;
}

/** Data files of `to` that `from` does not have (from undefined: all of them). */
export function addedFiles(from: Snapshot | undefined, to: Snapshot): Map<string, AddAction> {
  const added = new Map<string, AddAction>();
  for (const [path, add] of to.files) if (from?.files.has(path) !== true) added.set(path, add);
  return added;
}

/** True when a sink txn of one of `partitions` (any topic) differs between the two snapshots. */
export function sinkTxnsMoved(from: Snapshot, to: Snapshot, partitions: readonly number[]): boolean {
  const wanted = new Set(partitions);
  for (const [appId, txn] of to.txns) {
    if (!isSinkAppId(appId)) continue;
    const partition = Number(appId.slice(appId.lastIndexOf(":") + 1));
    if (wanted.has(partition) && from.txns.get(appId)?.version !== txn.version) return true;
  }
  return false;
}

const COLUMNS =
  "entity_name, type_url, resource_ari, entity_type, workspace_id, version, generation, is_tombstone, " +
  "payload_hash, payload, kafka_topic, kafka_partition, kafka_offset, epoch_ms(record_time) AS record_ms";

export interface SinkRangeOptions {
  /** Only this workspace's records (the sink's workspace_id: the workspace key, e.g. "acme"). */
  readonly workspace?: string;
  /** Only records of these Kafka partitions (the ones whose merge the caller owns). */
  readonly partitions?: readonly number[];
  /** Snapshots the caller already holds (versions `from` and `to`): not loaded again. */
  readonly snapshots?: (version: number) => Promise<Snapshot>;
}

export async function readSinkRange(
  sink: Table,
  registry: SchemaRegistry,
  from: number,
  to: number,
  filter: SinkRangeOptions = {},
): Promise<SinkRange> {
  const snapshotAt = filter.snapshots ?? ((version: number) => loadSnapshot(sink, { version }));
  const toSnapshot = await snapshotAt(to);
  const fromSnapshot = from < 0 ? undefined : await snapshotAt(from);
  // Every sink commit that adds records advances the txn of each Kafka partition it holds records of: when none of
  // the wanted partitions' txns moved over the range, its files hold only other partitions' records (another
  // worker's commits) and are not read at all.
  if (
    filter.partitions !== undefined &&
    fromSnapshot !== undefined &&
    !sinkTxnsMoved(fromSnapshot, toSnapshot, filter.partitions)
  )
    return { records: [], undecodable: [], files: 0 };
  const files = addedFiles(fromSnapshot, toSnapshot);
  if (files.size === 0) return { records: [], undecodable: [], files: 0 };
  const scan = await readTable(sink, { snapshot: { ...toSnapshot, files } });
  // Filtered before anything is decoded: a reader of one workspace (the union read) decodes only its records,
  // a merge only its partitions'.
  const conditions: string[] = [];
  if (filter.workspace !== undefined) conditions.push(`workspace_id = ${quoteLiteral(filter.workspace)}`);
  if (filter.partitions !== undefined)
    conditions.push(
      `kafka_partition IN (${filter.partitions.length === 0 ? "NULL" : filter.partitions.map((p) => Math.trunc(p)).join(", ")})`,
    );
  const where = conditions.length === 0 ? "" : ` WHERE ${conditions.join(" AND ")}`;
  let sql = `SELECT ${COLUMNS} FROM (${scan.sql}) AS __fx_sink${where}`;
  const gone =
    fromSnapshot === undefined ? new Map<string, AddAction>() : addedFiles(toSnapshot, fromSnapshot);
  if (gone.size > 0 && fromSnapshot !== undefined) {
    const old = await readTable(sink, { snapshot: { ...fromSnapshot, files: gone } });
    sql =
      `SELECT n.* FROM (${sql}) AS n ANTI JOIN (SELECT kafka_topic, kafka_partition, kafka_offset FROM (${old.sql})) AS o ` +
      "USING (kafka_topic, kafka_partition, kafka_offset)";
  }
  const reader = await sink.duckdb.runAndReadAll(sql);
  const records: SinkRecord[] = [];
  const undecodable: { record: SinkRecord; error: unknown }[] = [];
  for (const v of reader.getRows()) {
    const payload = v[9] === null ? undefined : (v[9] as { bytes: Uint8Array }).bytes;
    const typeUrl = v[1] as string;
    const base = {
      entity: v[0] as string,
      typeUrl,
      resourceAri: v[2] as string,
      entityType: v[3] as number,
      workspaceId: workspaceAriString(v[4] as string),
      version: v[5] as bigint,
      generationWatermark: v[6] as bigint,
      isTombstone: v[7] as boolean,
      payloadHash: v[8] as string,
      payload,
      recordTimestamp: new Date(Number(v[13] as bigint)),
      kafkaTopic: v[10] as string,
      kafkaPartition: v[11] as number,
      kafkaOffset: v[12] as bigint,
    };
    let row: FlatRow | null = null;
    if (payload !== undefined) {
      try {
        row = decodeEntityRow(registry, typeUrl, payload);
      } catch (error) {
        undecodable.push({ record: { ...base, row: null }, error });
        continue;
      }
    }
    records.push({ ...base, row });
  }
  return { records, undecodable, files: files.size };
}
