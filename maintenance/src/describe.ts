// Plans and results as the lines `facsimile maintain` and `facsimile restore` print: files, bytes, what and why.
import type { CheckpointPlan } from "./checkpoint-table.js";
import type { OptimizePlan } from "./plan-optimize.js";
import type { PurgeTombstonesPlan } from "./plan-purge-tombstones.js";
import type { RestorePlan } from "./plan-restore.js";
import type { VacuumPlan } from "./plan-vacuum.js";

export type MaintenancePlan = VacuumPlan | OptimizePlan | CheckpointPlan | PurgeTombstonesPlan;

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

export function describePlan(plan: MaintenancePlan | RestorePlan): string[] {
  switch (plan.kind) {
    case "vacuum": {
      const removed = plan.files.filter((f) => f.reason === "removed before the retention");
      const orphans = plan.files.length - removed.length;
      return [
        `vacuum ${plan.table} at version ${plan.version}: delete ${plan.files.length} files (${formatBytes(plan.bytes)}): ` +
          `${removed.length} removed before ${new Date(plan.cutoff).toISOString()} (outside the retention), ` +
          `${orphans} orphans never committed; keep ${plan.kept}`,
      ];
    }
    case "optimize":
      return [
        `optimize ${plan.table} at version ${plan.version}: ${plan.liveFiles} files in ${plan.partitions} partitions; ` +
          `compact ${plan.files} small files (${formatBytes(plan.bytes)}) in ${plan.groups.length} partitions`,
        ...plan.groups.map(
          (g) =>
            `  ${g.key}: ${g.files.length} files, ${formatBytes(g.bytes)}` +
            (g.rows === undefined ? "" : `, ${g.rows} rows`) +
            (g.deletionVectors > 0 ? `, ${g.deletionVectors} with deletion vectors` : ""),
        ),
      ];
    case "checkpoint":
      return [
        `checkpoint ${plan.table}: write the checkpoint of version ${plan.version} ` +
          (plan.lastCheckpoint === plan.version
            ? "(already there: nothing to do)"
            : `(readers replay ${plan.commitsToReplay} commits today; last checkpoint ${plan.lastCheckpoint ?? "none"})`),
      ];
    case "purge-tombstones":
      if (plan.skipped !== undefined || plan.files.length === 0)
        return [
          `purge-tombstones ${plan.table}: nothing to purge` +
            (plan.skipped === undefined || plan.skipped === "" ? "" : ` (${plan.skipped})`),
        ];
      return [
        `purge-tombstones ${plan.table} at version ${plan.version}: drop ${plan.rows} tombstone rows older than ` +
          `${new Date(plan.cutoff).toISOString()} from ${plan.files.length} files (${formatBytes(plan.bytes)} rewritten); ` +
          `${plan.resources.length} resources move their guard to the erasure registry`,
      ];
    case "restore":
      return [
        `restore ${plan.table} from version ${plan.fromVersion} to version ${plan.toVersion} ` +
          `(committed ${new Date(plan.toTimestamp).toISOString()}): remove ${plan.remove.length} files ` +
          `(${formatBytes(plan.bytesRemoved)}), bring back ${plan.restore.length} files (${formatBytes(plan.bytesRestored)})` +
          (plan.metadata === undefined ? "" : ", and the schema of that version"),
        plan.erasedRows === 0
          ? "  erasure registry: no row coming back is erased"
          : `  erasure registry: ${plan.erasedRows} erased rows in ${plan.filesRewritten} files stay erased (the files are rewritten without them)`,
      ];
  }
}
