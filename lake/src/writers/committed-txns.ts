// Where a write's txns stand in a snapshot: all committed (the batch is a replay: skip it), none committed
// (write it), or some of each, which a writer cannot resolve on its own: the batch mixes rows the table already
// holds with rows it does not, and only the caller knows which rows belong to which txn. Read-only.
import { LakeError } from "../errors.js";
import { type Snapshot, txnVersion } from "../table/snapshot.js";
import type { Txn } from "./writer-config.js";

/**
 * Some but not all txns of a write are already committed (another writer got part of the batch in first: two
 * owners of a Kafka partition during a rebalance). Nothing was written. Not retriable as is: re-read the txn
 * versions, drop the committed txns and their rows from the batch, and write the rest.
 */
export class TxnsPartlyCommittedError extends LakeError {
  /** The txns at or below their committed version (their rows are in the table already). */
  readonly committed: readonly Txn[];
  /** The txns above their committed version. */
  readonly pending: readonly Txn[];
  constructor(table: string, version: number, committed: readonly Txn[], pending: readonly Txn[]) {
    super(
      "TXNS_PARTLY_COMMITTED",
      `write to ${table}: txns ${committed.map((t) => JSON.stringify(t.appId)).join(", ")} are already committed ` +
        `at version ${version}, ${pending.map((t) => JSON.stringify(t.appId)).join(", ")} are not; nothing was ` +
        "written: drop the committed txns and their rows from the batch and write again",
      { context: { table, version, committed, pending } },
    );
    this.committed = committed;
    this.pending = pending;
  }
}

export function isTxnsPartlyCommittedError(err: unknown): err is TxnsPartlyCommittedError {
  return err instanceof TxnsPartlyCommittedError;
}

/** "all": every txn is at or below its committed version; "none": every txn is above it; else throws. */
export function committedTxns(table: string, snapshot: Snapshot, txns: readonly Txn[]): "all" | "none" {
  const committed = txns.filter((t) => (txnVersion(snapshot, t.appId) ?? -1) >= t.version);
  if (committed.length === 0) return "none";
  if (committed.length === txns.length) return "all";
  throw new TxnsPartlyCommittedError(
    table,
    snapshot.version,
    committed,
    txns.filter((t) => !committed.includes(t)),
  );
}
