// Where a target table stands in the sink: the version its merge `txn` records (appId mergeAppId(sink path)),
// -1 when the table does not exist or never merged. Read-only.
import { loadSnapshot, type Table, TableNotFoundError, txnVersion } from "@facsimile/lake";
import { partitionPositions } from "./merge-txns.js";

export async function readMergePosition(target: Table, appId: string): Promise<number> {
  try {
    return txnVersion(await loadSnapshot(target), appId) ?? -1;
  } catch (err) {
    if (err instanceof TableNotFoundError) return -1;
    throw err;
  }
}

/** Where each Kafka partition's merge stands on a target (see merge-txns.ts); -1 where it never merged. */
export async function readPartitionMergePositions(
  target: Table,
  appId: string,
  partitions: readonly number[],
): Promise<Map<number, number>> {
  try {
    return partitionPositions(await loadSnapshot(target), appId, partitions);
  } catch (err) {
    if (err instanceof TableNotFoundError) return partitionPositions(undefined, appId, partitions);
    throw err;
  }
}

/** The sink's latest version, -1 when it does not exist yet. */
export async function readSinkHead(sink: Table): Promise<number> {
  try {
    return (await loadSnapshot(sink)).version;
  } catch (err) {
    if (err instanceof TableNotFoundError) return -1;
    throw err;
  }
}
