// The directory's jobs in flight in a region, for `facsimile status`: residency migrations not yet finished (the
// job store's, any step before deleted, rolled-back excluded) whose source or target regions include the region,
// and erasures in flight (a workspace of the region in state ERASING: the erasure registry says so until the
// receipt is clean). A workspace MIGRATING without a job here is listed too (a job of another lake). Pure.
import type { DirectoryEntry, MigrationJob } from "@facsimile/control-plane";

export interface RegionJob {
  readonly kind: "migrate" | "erase";
  /** The job id (migrations), or the workspace id for an erasure. */
  readonly id: string;
  readonly workspaceId: string;
  readonly step: string;
  readonly progress: string;
  readonly detail: string;
}

export function regionJobs(
  region: string,
  jobs: readonly MigrationJob[],
  entries: readonly DirectoryEntry[],
): RegionJob[] {
  const out: RegionJob[] = [];
  const migrating = new Set<string>();
  for (const j of jobs) {
    if (j.step === "deleted" || j.step === "rolled-back") continue;
    if (!j.plan.from.includes(region) && !j.plan.to.includes(region)) continue;
    migrating.add(j.plan.workspaceId);
    out.push({
      kind: "migrate",
      id: j.id,
      workspaceId: j.plan.workspaceId,
      step: j.step,
      progress: `${Math.max(0, j.done)}/${j.total} ${j.progress}`,
      detail:
        `${j.plan.from.join(",")} -> ${j.plan.to.join(",")}` +
        (j.error === undefined ? "" : `; error: ${j.error}`),
    });
  }
  for (const e of entries) {
    if (!e.regions.includes(region)) continue;
    if (e.state === "ERASING")
      out.push({
        kind: "erase",
        id: e.workspaceId,
        workspaceId: e.workspaceId,
        step: "ERASING",
        progress: "registry written; tables, history or offloads not yet verified clean",
        detail: `deletion generation ${e.deletionGeneration}`,
      });
    else if (e.state === "MIGRATING" && !migrating.has(e.workspaceId))
      out.push({
        kind: "migrate",
        id: e.workspaceId,
        workspaceId: e.workspaceId,
        step: "MIGRATING",
        progress: "no job of this lake: see facsimile control jobs where it runs",
        detail: `regions ${e.regions.join(",")}`,
      });
  }
  return out;
}

export function formatRegionJobs(jobs: readonly RegionJob[]): string[] {
  if (jobs.length === 0) return ["  jobs: none in flight"];
  return [
    `  jobs: ${jobs.length} in flight`,
    ...jobs.map((j) => `    ${j.kind} ${j.id} (${j.workspaceId}): ${j.step} ${j.progress} [${j.detail}]`),
  ];
}
