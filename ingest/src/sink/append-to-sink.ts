// Step 4 of a micro-batch: append the accepted records to the region's raw sink in ONE commit that carries a txn
// per Kafka partition (appId `sink:<topic>:<partition>`, version = the partition's last offset in the batch).
// Only after this returns may the Kafka offsets be committed. A partition without records but with side effects
// (dead letters, re-routes) still gets its txn advanced, so a replay does not repeat them. Never commits offsets.
import {
  appendBatch,
  isCommitConflictError,
  isTxnsPartlyCommittedError,
  quoteLiteral,
  type Table,
  type WriteResult,
} from "@facsimile/lake";
import type { AcceptedRecord } from "../records/classify-messages.js";
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

/** The batch's one sink commit. */
export interface SinkCommit {
  /** "skipped": other workers committed every partition's txn first (a rebalance race); nothing of ours was written. */
  readonly status: WriteResult["status"];
  /** Sink version of the commit (or the table's version when skipped; -1 when there is no table). */
  readonly version: number;
  /** The partitions whose txn this commit advanced (fewer than asked when another worker had some first). */
  readonly partitions: readonly SinkPartitionWrite[];
  readonly rows: number;
  /** Commit attempts lost to another writer of some of the same partitions before this one landed. */
  readonly conflicts: number;
  readonly records: readonly AcceptedRecord[];
}

export async function appendToSink(
  table: Table,
  writes: readonly SinkPartitionWrite[],
  ingestTime: number,
  /** Told of the commit as soon as it landed (the merge can start on it). */
  onCommit: (commit: SinkCommit) => void = () => undefined,
): Promise<SinkCommit | undefined> {
  if (writes.length === 0) return undefined;
  const staging = await stageSinkRows(
    table,
    writes.flatMap((w) => w.records),
    ingestTime,
  );
  try {
    const commit = await appendPartitions(table, staging, writes);
    if (commit.status === "committed") onCommit(commit);
    return commit;
  } finally {
    await table.duckdb.run(`DROP TABLE IF EXISTS ${staging}`).catch(() => undefined);
  }
}

/**
 * All partitions in one append with a single plan. A commit that lost to the same appId (another worker
 * appended some of these partitions meanwhile: a rebalance race), or a snapshot where some of the txns already
 * stand, is not placed again with stale rows: the positions are read again, the partitions already at their
 * last offset are dropped, and only the records above each position are appended.
 */
async function appendPartitions(
  table: Table,
  staging: string,
  writes: readonly SinkPartitionWrite[],
): Promise<SinkCommit> {
  let pending = writes;
  // The staging table holds exactly the batch's records: no filter until a conflict narrows it.
  let where = "true";
  let conflicts = 0;
  for (;;) {
    const txns = pending.map((w) => ({
      appId: sinkAppId(w.topic, w.partition),
      version: Number(w.lastOffset),
    }));
    try {
      const result = await appendBatch(table, SINK_WRITER, stagedSinkSource(staging, where), txns, {
        maxPlans: 1,
      });
      const committed = result.status === "committed";
      const records = committed ? pending.flatMap((w) => w.records) : [];
      return {
        status: result.status,
        version: result.version,
        partitions: committed ? pending : [],
        rows: records.length,
        conflicts,
        records,
      };
    } catch (err) {
      const raced =
        (isCommitConflictError(err) && err.reason === "same-txn-app-id") || isTxnsPartlyCommittedError(err);
      if (!raced) throw err;
      conflicts++;
      const positions = await readSinkPositions(table);
      const narrowed: SinkPartitionWrite[] = [];
      const clauses: string[] = [];
      for (const w of pending) {
        const above = positions.lastOffset(w);
        if (above >= w.lastOffset) continue;
        narrowed.push({ ...w, records: w.records.filter((r) => r.message.offset > above) });
        clauses.push(
          `(kafka_topic = ${quoteLiteral(w.topic)} AND kafka_partition = ${w.partition} ` +
            `AND kafka_offset > ${above})`,
        );
      }
      if (narrowed.length === 0)
        return {
          status: "skipped",
          version: positions.snapshot?.version ?? -1,
          partitions: [],
          rows: 0,
          conflicts,
          records: [],
        };
      pending = narrowed;
      where = clauses.join(" OR ");
    }
  }
}
