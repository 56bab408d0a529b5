// Executes a vacuum plan: deletes the planned objects (never a log object: the plan holds data files only) and
// this host's cached copies of them. Idempotent: deleting an absent object is no error, so a re-run is safe.
import { evictLocalCopies, type Table } from "@facsimile/lake";
import type { VacuumPlan } from "./plan-vacuum.js";

export interface VacuumResult {
  readonly filesDeleted: number;
  readonly bytesDeleted: number;
}

export async function executeVacuum(
  table: Table,
  plan: VacuumPlan,
  onProgress?: (message: string) => void,
): Promise<VacuumResult> {
  let done = 0;
  let bytes = 0;
  const step = Math.max(1, Math.ceil(plan.files.length / 10));
  for (const f of plan.files) {
    await table.store.delete(f.key);
    done++;
    bytes += f.size;
    if (done % step === 0 || done === plan.files.length)
      onProgress?.(`vacuum ${table.url}: ${done}/${plan.files.length} files, ${bytes} bytes deleted`);
  }
  await evictLocalCopies(
    table,
    plan.files.map((f) => f.key),
  );
  return { filesDeleted: done, bytesDeleted: bytes };
}
