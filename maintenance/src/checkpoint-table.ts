// Checkpoint: the plan says which version would be checkpointed and how many commits a reader replays today;
// the execution writes the Parquet checkpoint of the latest version through the lake's checkpoint writer (which
// only restates committed state, so it never conflicts with writers).
import { listLog, loadSnapshot, type Table, writeCheckpoint } from "@facsimile/lake";

export interface CheckpointPlan {
  readonly kind: "checkpoint";
  readonly table: string;
  readonly version: number;
  /** The newest checkpoint there is (undefined: none). */
  readonly lastCheckpoint: number | undefined;
  /** Commits a reader of the latest version replays after that checkpoint. */
  readonly commitsToReplay: number;
}

export async function planCheckpoint(table: Table): Promise<CheckpointPlan> {
  const listing = await listLog(table, 0);
  const snapshot = await loadSnapshot(table);
  const last = listing.checkpoints.filter((v) => v <= snapshot.version).at(-1);
  return {
    kind: "checkpoint",
    table: table.url,
    version: snapshot.version,
    lastCheckpoint: last,
    commitsToReplay: snapshot.version - (last ?? -1),
  };
}

export async function executeCheckpoint(table: Table, plan: CheckpointPlan): Promise<{ version: number }> {
  if (plan.lastCheckpoint === plan.version) return { version: plan.version };
  await writeCheckpoint(table, await loadSnapshot(table, { version: plan.version }));
  return { version: plan.version };
}
