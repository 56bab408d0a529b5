// Turns deletion vectors on for an existing table: one commit with the upgraded protocol (reader 3 / writer 7,
// feature `deletionVectors`, a legacy table's implied writer features listed) and the metaData with
// `delta.enableDeletionVectors=true`. Readers without deletion vectors can no longer read the table afterwards,
// which is why writers only do this when configured to. Through commit(), the one path into `_delta_log/`.
import { CommitConflictError } from "../../errors.js";
import { commit } from "../commit.js";
import { loadSnapshot } from "../load-snapshot.js";
import type { Snapshot } from "../snapshot.js";
import type { Table } from "../table.js";
import { DV_PROPERTY, deletionVectorsEnabled, withDeletionVectors } from "./table-features.js";

/** The snapshot with deletion vectors on (the given one when they already are). */
export async function enableDeletionVectors(table: Table, snapshot: Snapshot): Promise<Snapshot> {
  let current = snapshot;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (deletionVectorsEnabled(current.protocol, current.metadata)) return current;
    try {
      await commit(
        table,
        current.version,
        [
          { protocol: withDeletionVectors(current.protocol) },
          {
            metaData: {
              ...current.metadata,
              configuration: { ...current.metadata.configuration, [DV_PROPERTY]: "true" },
            },
          },
        ],
        {
          operation: "SET TBLPROPERTIES",
          operationParameters: { properties: JSON.stringify({ [DV_PROPERTY]: "true" }) },
          read: { partitions: "all" },
          partitionColumns: current.partitionColumns,
        },
      );
    } catch (err) {
      // Another writer changed the table first (perhaps enabling DVs too): look again.
      if (!(err instanceof CommitConflictError)) throw err;
    }
    current = await loadSnapshot(table);
  }
  if (deletionVectorsEnabled(current.protocol, current.metadata)) return current;
  throw new CommitConflictError(
    table.url,
    "attempts-exhausted",
    "enabling deletion vectors kept losing races",
  );
}
