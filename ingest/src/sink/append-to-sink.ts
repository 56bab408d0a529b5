// Step 4 of a micro-batch: append the accepted records to the region's raw sink, each Kafka partition's records
// under the txn (appId `sink:<topic>:<partition>`, version = the partition's last offset in the batch). Only
// after this returns may the Kafka offsets be committed. A partition without records but with side effects
// (dead letters, re-routes) still gets its txn advanced, so a replay does not repeat them.
//
// One commit per Kafka partition: lake's appendBatch takes a single Txn. A single commit carrying every
// partition's txn would be the same guarantee with fewer commits (see the ingest README). Meanwhile the
// partitions' appends run side by side, one per handle in `tables` (the sink on several DuckDB connections);
// their commits are blind appends with different appIds, which commit() places one after the other.
import { appendBatch, isCommitConflictError, type Table, type WriteResult } from "@facsimile/lake";
import type { AcceptedRecord } from "../records/classify-messages.js";
import { quoteLiteral } from "../sql/sql-text.js";
import { readSinkPositions } from "./read-sink-positions.js";
import { SINK_WRITER, sinkAppId } from "./sink-table.js";
import { stagedSinkSource, stageSinkRows } from "./stage-sink-rows.js";

/** What one Kafka partition of a batch puts in the sink. */
export interface SinkPartitionWrite {
  readonly topic: string;
  readonly partition: number;
  /** The partition's last offset in the batch: the txn version, whatever became of that message. */
  readonly lastOffset: bigint;
  /** The records to append, in offset order (may be empty). */
  readonly records: readonly AcceptedRecord[];
}

export interface SinkCommit {
  readonly topic: string;
  readonly partition: number;
  /** "skipped": another worker committed this txn first (a rebalance race); nothing of ours was written. */
  readonly status: WriteResult["status"];
  /** Sink version of the commit (or the table's version when skipped). */
  readonly version: number;
  readonly rows: number;
  /** Commit attempts lost to concurrent writers before this one landed. */
  readonly conflicts: number;
  readonly records: readonly AcceptedRecord[];
}

export async function appendToSink(
  /** Handles of the sink on different connections of one DuckDB instance (at least one). */
  tables: readonly Table[],
  writes: readonly SinkPartitionWrite[],
  ingestTime: number,
  /** Told of each partition's commit as soon as it landed (the merge can start on it). */
  onCommit: (commit: SinkCommit) => void = () => undefined,
): Promise<SinkCommit[]> {
  const first = tables[0];
  if (writes.length === 0 || first === undefined) return [];
  const staging = await stageSinkRows(
    first,
    writes.flatMap((w) => w.records),
    ingestTime,
  );
  try {
    const commits: SinkCommit[] = new Array(writes.length);
    let cursor = 0;
    let failure: unknown;
    const lane = async (table: Table): Promise<void> => {
      while (cursor < writes.length && failure === undefined) {
        const i = cursor++;
        try {
          const commit = await appendPartition(table, staging, writes[i] as SinkPartitionWrite);
          commits[i] = commit;
          onCommit(commit);
        } catch (err) {
          failure ??= err;
        }
      }
    };
    await Promise.all(tables.slice(0, writes.length).map(lane));
    if (failure !== undefined) throw failure;
    return commits;
  } finally {
    await first.duckdb.run(`DROP TABLE IF EXISTS ${staging}`).catch(() => undefined);
  }
}

/**
 * One partition's append. With a single plan per attempt, a commit that lost to the same appId (another worker
 * appended this partition meanwhile: a rebalance race) is not placed again with stale rows: the partition's
 * position is read again and only the records above it are appended.
 */
async function appendPartition(table: Table, staging: string, w: SinkPartitionWrite): Promise<SinkCommit> {
  const appId = sinkAppId(w.topic, w.partition);
  let above = -1n;
  let conflicts = 0;
  for (;;) {
    const records = w.records.filter((r) => r.message.offset > above);
    const where =
      `kafka_topic = ${quoteLiteral(w.topic)} AND kafka_partition = ${w.partition} ` +
      `AND kafka_offset > ${above}`;
    try {
      const result = await appendBatch(
        table,
        SINK_WRITER,
        stagedSinkSource(staging, where),
        { appId, version: Number(w.lastOffset) },
        { maxPlans: 1 },
      );
      const committed = result.status === "committed";
      return {
        topic: w.topic,
        partition: w.partition,
        status: result.status,
        version: result.version,
        rows: committed ? records.length : 0,
        conflicts,
        records: committed ? records : [],
      };
    } catch (err) {
      if (!isCommitConflictError(err) || err.reason !== "same-txn-app-id") throw err;
      conflicts++;
      above = (await readSinkPositions(table)).lastOffset(w);
    }
  }
}
