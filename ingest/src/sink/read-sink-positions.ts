// Where the sink stands per Kafka partition: the last offset its `txn` records (appId `sink:<topic>:<p>`).
// Messages at or below it are already in the sink (a replay after a crash or a rebalance) and are dropped before
// anything else happens to them. Read-only.

import type { TopicPartition } from "@facsimile/bus";
import { loadSnapshot, type Snapshot, type Table, TableNotFoundError, txnVersion } from "@facsimile/lake";
import { sinkAppId } from "./sink-table.js";

export interface SinkPositions {
  /** The sink snapshot read, undefined when the sink does not exist yet. */
  readonly snapshot: Snapshot | undefined;
  /** Last offset in the sink of a partition, or -1 when none. */
  lastOffset(tp: TopicPartition): bigint;
}

export async function readSinkPositions(table: Table): Promise<SinkPositions> {
  const snapshot = await loadSnapshot(table).catch((err: unknown) => {
    if (err instanceof TableNotFoundError) return undefined;
    throw err;
  });
  return {
    snapshot,
    lastOffset(tp) {
      if (snapshot === undefined) return -1n;
      const v = txnVersion(snapshot, sinkAppId(tp.topic, tp.partition));
      return v === undefined ? -1n : BigInt(v);
    },
  };
}
