// The plan of a residency migration, pure: which regions the workspace gains (data is added there), which it
// leaves (data is removed there), which it keeps (nothing happens there: overlapping region sets copy and delete
// nothing for the regions both sides share), where copies come from and where producers publish afterwards.
import { REGION_PATTERN } from "@facsimile/lake";
import type { DirectoryEntry } from "../directory/directory-entry.js";
import { WorkspaceStateError } from "../errors.js";

export interface MigrationPlan {
  readonly workspaceId: string;
  readonly from: readonly string[];
  readonly to: readonly string[];
  /** Regions gained: W's rows are copied there. */
  readonly add: readonly string[];
  /** Regions left: W's data is removed there after the switch and verification. */
  readonly remove: readonly string[];
  /** Regions on both sides: untouched. */
  readonly keep: readonly string[];
  /** Where copies are read from: the current home region. */
  readonly source: string;
}

export function planMigration(entry: DirectoryEntry, to: readonly string[]): MigrationPlan {
  const target = [...new Set(to)];
  if (target.length === 0) throw new WorkspaceStateError("--to needs at least one region");
  for (const r of target)
    if (!REGION_PATTERN.test(r))
      throw new WorkspaceStateError(`region ${JSON.stringify(r)} is not ${REGION_PATTERN.source}`, {
        region: r,
      });
  if (entry.state !== "ONLINE")
    throw new WorkspaceStateError(
      `workspace ${entry.workspaceId} is ${entry.state}: only an ONLINE workspace can migrate (finish or roll back its job first)`,
      { workspaceId: entry.workspaceId, state: entry.state },
    );
  const from = entry.regions;
  if (from.length === target.length && from.every((r, i) => r === target[i]))
    throw new WorkspaceStateError(`workspace ${entry.workspaceId} already lives in ${from.join(",")}`, {
      workspaceId: entry.workspaceId,
    });
  return Object.freeze({
    workspaceId: entry.workspaceId,
    from: [...from],
    to: target,
    add: target.filter((r) => !from.includes(r)),
    remove: from.filter((r) => !target.includes(r)),
    keep: from.filter((r) => target.includes(r)),
    source: from[0] as string,
  });
}
