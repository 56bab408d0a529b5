// Merge ownership follows Kafka partition ownership: the Kafka key is the workspace, so the worker that owns a
// records-topic partition merges the records of that partition (the workspaces in it), and a target table records
// how far each partition is merged with a txn of its own: appId `<mergeAppId(sink)>#<partition>`, version = the
// sink version merged through. A commit carries the txns of every partition its rows came from, so two workers
// merging disjoint partitions never touch the same txn (nor, the workspaces being disjoint, the same target
// partition), while a worker that lost a partition and still commits for it collides with the new owner's txn
// (a commit conflict: same txn appId) and starts over instead of committing behind it. The txn of the whole sink
// (`mergeAppId(sink)`, from before merges were split) is the floor of every partition's position. Names and pure
// position arithmetic only.
import { type Snapshot, type Txn, txnVersion } from "@facsimile/lake";

/** The txn appId of one Kafka partition's merge on a target table. */
export function partitionMergeAppId(appId: string, partition: number): string {
  return `${appId}#${partition}`;
}

/** The txns of a merge commit up to sink version `to` for `partitions`. */
export function mergeTxns(appId: string, partitions: readonly number[], to: number): Txn[] {
  return partitions.map((p) => ({ appId: partitionMergeAppId(appId, p), version: to }));
}

/** Where each partition stands on a target: its own txn, else the whole-sink txn, else -1. */
export function partitionPositions(
  snapshot: Snapshot | undefined,
  appId: string,
  partitions: readonly number[],
): Map<number, number> {
  const floor = snapshot === undefined ? -1 : (txnVersion(snapshot, appId) ?? -1);
  return new Map(
    partitions.map((p) => [
      p,
      Math.max(
        floor,
        snapshot === undefined ? -1 : (txnVersion(snapshot, partitionMergeAppId(appId, p)) ?? -1),
      ),
    ]),
  );
}
