// `facsimile control migrate`: a residency migration as a persisted job of idempotent steps, each resumable after
// a crash (the job records the last step completed; a step re-run writes nothing twice):
//   copy    directory state MIGRATING; W's rows copied from its home into every region it gains (LWW writers, txns)
//   switch  directory regions := the new set: producers publish to the new home; records still in the old
//           region's topic are re-routed by its workers on consume
//   verify  wait for the old home to merge what it accepted, copy once more (what it merged since the copy),
//           then check every source row is in each new region or superseded there
//   delete  copy W's offloaded payloads once more from the regions it leaves into the regions it has (a record in
//           flight that points at the old region resolves in the new one), then remove W from the regions it
//           leaves (tables, their history, sink rows, offloads); state ONLINE
// Rollback, from any step before delete: the directory goes back to the old regions (ONLINE), what W gained in
// the new home after the switch is copied back, and what the copy added is removed. Delete can be replayed.
import { randomUUID } from "node:crypto";
import { loadSnapshot, openTable, regionLayout } from "@facsimile/lake";
import type { DirectoryView } from "../directory/directory-view.js";
import { updateWorkspace } from "../directory/update-workspace.js";
import { executeErasure, mergedThrough, type RunMerge } from "../erasure/execute-erasure.js";
import { joinKey, listLakeTables } from "../erasure/lake-tables.js";
import { planErasure } from "../erasure/plan-erasure.js";
import { MigrationError, MigrationInterruptedError, WorkspaceNotFoundError } from "../errors.js";
import { copyOffloads } from "./copy-offloads.js";
import { type CopyDeps, copyWorkspace } from "./copy-workspace.js";
import { type JobStore, MIGRATION_STEPS, type MigrationJob, type MigrationStep } from "./job-store.js";
import { type MigrationPlan, planMigration } from "./plan-migration.js";
import { verifyCopy } from "./verify-copy.js";

export interface MigrateDeps extends CopyDeps {
  readonly view: DirectoryView;
  readonly jobs: JobStore;
  readonly onProgress?: (job: MigrationJob) => void;
  readonly clock?: () => number;
  /** Runs a region's pending merge when no worker does it within mergeWaitMs (else the step fails, resumable). */
  readonly runMerge?: RunMerge;
}

export interface MigrateOptions {
  readonly actor: string;
  readonly reason: string;
  /** Wait after a directory change for the workers' cached views to follow. */
  readonly settleMs: number;
  /** Longest wait for a region's merge to catch up with its sink. */
  readonly mergeWaitMs: number;
  /** Test hook: stop (throw MigrationInterruptedError) right after this step is recorded: a simulated crash. */
  readonly interruptAfter: MigrationStep | undefined;
}

export const DEFAULT_MIGRATE_OPTIONS: Readonly<MigrateOptions> = Object.freeze({
  actor: "facsimile control migrate",
  reason: "residency migration",
  settleMs: 2_500,
  mergeWaitMs: 60_000,
  interruptAfter: undefined,
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The plan of migrating W to `to` (what --dry-run prints). */
export async function planWorkspaceMigration(
  view: DirectoryView,
  workspaceId: string,
  to: readonly string[],
): Promise<MigrationPlan> {
  await view.refresh();
  const entry = view.get(workspaceId);
  if (entry === undefined) throw new WorkspaceNotFoundError(workspaceId);
  return planMigration(entry, to);
}

/** Records a new job at step "planned" and runs it. */
export async function startMigration(
  deps: MigrateDeps,
  workspaceId: string,
  to: readonly string[],
  options: Partial<MigrateOptions> = {},
): Promise<MigrationJob> {
  const o = { ...DEFAULT_MIGRATE_OPTIONS, ...options };
  const plan = await planWorkspaceMigration(deps.view, workspaceId, to);
  const now = new Date((deps.clock ?? Date.now)()).toISOString();
  const job: MigrationJob = {
    id: `migrate-${workspaceId}-${randomUUID().slice(0, 8)}`,
    kind: "migrate",
    plan,
    step: "planned",
    progress: "planned",
    done: 0,
    total: 4,
    actor: o.actor,
    reason: o.reason,
    createdAt: now,
    updatedAt: now,
  };
  await deps.jobs.put(job);
  return runMigration(deps, job.id, options);
}

/** Runs (or resumes) a job from the step after the one it records, through delete. */
export async function runMigration(
  deps: MigrateDeps,
  jobId: string,
  options: Partial<MigrateOptions> = {},
): Promise<MigrationJob> {
  try {
    return await runSteps(deps, jobId, options);
  } catch (err) {
    // The job keeps its last completed step; the error is recorded for `facsimile control jobs`.
    if ((err as { code?: unknown }).code !== "MIGRATION_INTERRUPTED") {
      const job = await deps.jobs.get(jobId);
      if (job !== undefined)
        await deps.jobs.put({ ...job, error: String(err), updatedAt: new Date().toISOString() });
    }
    throw err;
  }
}

async function runSteps(
  deps: MigrateDeps,
  jobId: string,
  options: Partial<MigrateOptions>,
): Promise<MigrationJob> {
  const o = { ...DEFAULT_MIGRATE_OPTIONS, ...options };
  let job = await load(deps, jobId);
  if (job.error !== undefined) {
    const { error: _, ...rest } = job;
    job = rest;
  }
  if (job.step === "rolled-back")
    throw new MigrationError(`job ${jobId} was rolled back: start a new one`, { jobId });
  const plan = job.plan;
  const audit = { actor: o.actor, reason: `${o.reason} (job ${job.id})` };
  const copyDeps = { ...deps, isErased: deps.view.isErased };
  const save = async (patch: Partial<MigrationJob>): Promise<void> => {
    job = { ...job, ...patch, updatedAt: new Date((deps.clock ?? Date.now)()).toISOString() };
    await deps.jobs.put(job);
    deps.onProgress?.(job);
  };
  const completed = async (step: MigrationStep): Promise<void> => {
    await save({
      step,
      progress: step,
      done: MIGRATION_STEPS.indexOf(step as (typeof MIGRATION_STEPS)[number]),
    });
    if (o.interruptAfter === step) throw new MigrationInterruptedError(job.id, step);
  };
  const at = (step: MigrationStep): boolean =>
    MIGRATION_STEPS.indexOf(job.step as (typeof MIGRATION_STEPS)[number]) >=
    MIGRATION_STEPS.indexOf(step as (typeof MIGRATION_STEPS)[number]);

  if (!at("copied")) {
    await updateWorkspace(deps.view, plan.workspaceId, "migrate-start", audit, (c) =>
      c === undefined || c.state === "MIGRATING" ? undefined : { ...c, state: "MIGRATING" },
    );
    for (const [i, r] of plan.add.entries()) {
      await copyWorkspace(copyDeps, job.id, plan.workspaceId, plan.source, r, (table, rows) =>
        save({
          progress: `copy ${plan.source} -> ${r} (${i + 1}/${plan.add.length}): ${table} ${rows} rows`,
        }),
      );
      await moveOffloads(deps, plan.workspaceId, [plan.source], [r]);
    }
    await completed("copied");
  }
  if (!at("switched")) {
    await updateWorkspace(deps.view, plan.workspaceId, "migrate-switch", audit, (c) =>
      c === undefined || sameRegions(c.regions, plan.to)
        ? undefined
        : { ...c, regions: [...plan.to], state: "MIGRATING" },
    );
    await completed("switched");
  }
  if (!at("verified")) {
    await sleep(o.settleMs);
    if (plan.add.length > 0) await waitForMerge(deps, plan.source, o.mergeWaitMs);
    const failures: string[] = [];
    const verification: NonNullable<MigrationJob["verification"]>[number][] = [];
    for (const r of plan.add) {
      await copyWorkspace(copyDeps, job.id, plan.workspaceId, plan.source, r);
      await moveOffloads(deps, plan.workspaceId, [plan.source], [r]);
      for (const v of await verifyCopy(deps, plan.workspaceId, plan.source, r)) {
        verification.push({
          region: v.region,
          table: v.table,
          sourceRows: v.sourceRows,
          targetRows: v.targetRows,
          missing: v.missing,
        });
        if (v.missing > 0)
          failures.push(`${r}/${v.table}: ${v.missing} of ${v.sourceRows} source rows missing`);
      }
    }
    await save({ verification });
    if (failures.length > 0)
      throw new MigrationError(`verify failed: ${failures.join("; ")}: resume the job or roll it back`, {
        jobId,
        failures,
      });
    await completed("verified");
  }
  if (!at("deleted")) {
    // Records still in flight may point at the offloads of a region W leaves: those objects go where W lives now.
    await save({ progress: `copy offloads of ${plan.workspaceId} into ${plan.to.join(",")}` });
    await moveOffloads(deps, plan.workspaceId, plan.remove, plan.to);
    for (const r of plan.remove) {
      await save({ progress: `delete ${plan.workspaceId} from ${r}` });
      await removeFromRegion(deps, plan.workspaceId, r, o.mergeWaitMs);
    }
    await updateWorkspace(deps.view, plan.workspaceId, "migrate-done", audit, (c) =>
      c === undefined || c.state === "ONLINE" ? undefined : { ...c, state: "ONLINE" },
    );
    await completed("deleted");
  }
  return job;
}

/** Rolls a job back (any step before delete): W is re-onlined where it was and what the copy added is removed. */
export async function rollbackMigration(
  deps: MigrateDeps,
  jobId: string,
  options: Partial<MigrateOptions> = {},
): Promise<MigrationJob> {
  const o = { ...DEFAULT_MIGRATE_OPTIONS, ...options };
  let job = await load(deps, jobId);
  if (job.step === "deleted")
    throw new MigrationError(`job ${jobId} is complete: migrate back instead`, { jobId });
  if (job.step === "rolled-back") return job;
  const plan = job.plan;
  const audit = { actor: o.actor, reason: `rollback of job ${job.id}` };
  const copyDeps = { ...deps, isErased: deps.view.isErased };
  await updateWorkspace(deps.view, plan.workspaceId, "migrate-rollback", audit, (c) =>
    c === undefined || (c.state === "ONLINE" && sameRegions(c.regions, plan.from))
      ? undefined
      : { ...c, regions: [...plan.from], state: "ONLINE" },
  );
  const home = plan.to[0] as string;
  // After the switch the new home took live records: bring them back (LWW) before dropping the copy.
  if (job.step === "switched" || job.step === "verified") {
    if (home !== plan.source) {
      await sleep(o.settleMs);
      await waitForMerge(deps, home, o.mergeWaitMs);
      await copyWorkspace(copyDeps, `${job.id}-rollback`, plan.workspaceId, home, plan.source);
    }
  }
  // Offloads written in the regions being dropped (by producers after the switch) stay resolvable where W is.
  await moveOffloads(deps, plan.workspaceId, plan.add, plan.from);
  for (const r of plan.add) await removeFromRegion(deps, plan.workspaceId, r, o.mergeWaitMs);
  job = {
    ...job,
    step: "rolled-back",
    progress: "rolled back",
    updatedAt: new Date((deps.clock ?? Date.now)()).toISOString(),
  };
  await deps.jobs.put(job);
  deps.onProgress?.(job);
  return job;
}

/** Copies W's offloads from each region of `from` into each region of `to` (what each lacks). */
async function moveOffloads(
  deps: MigrateDeps,
  workspaceId: string,
  from: readonly string[],
  to: readonly string[],
): Promise<void> {
  for (const f of from)
    for (const t of to) if (f !== t) await copyOffloads(deps.store, deps.lakeRoot, workspaceId, f, t);
}

function sameRegions(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((r, i) => r === b[i]);
}

async function load(deps: MigrateDeps, jobId: string): Promise<MigrationJob> {
  const job = await deps.jobs.get(jobId);
  if (job === undefined)
    throw new MigrationError(`no job ${jobId}: list them with facsimile control jobs`, { jobId });
  return job;
}

/** Waits until every target of `region` merged through the sink head as of now. */
async function waitForMerge(deps: MigrateDeps, region: string, timeoutMs: number): Promise<void> {
  const sink = openTable(deps.store, joinKey(deps.lakeRoot, regionLayout.sink(region)), deps.duckdb);
  const head = await loadSnapshot(sink).then(
    (s) => s.version,
    () => -1,
  );
  const targets = (await listLakeTables(deps.store, deps.lakeRoot, [region]))
    .filter((t) => t.name !== "sink")
    .map((t) => t.name);
  const deadline = Date.now() + timeoutMs;
  while ((await mergedThrough(deps.store, deps.duckdb, deps.lakeRoot, region, targets)) < head) {
    if (Date.now() > deadline && deps.runMerge !== undefined) {
      await deps.runMerge(region);
      if ((await mergedThrough(deps.store, deps.duckdb, deps.lakeRoot, region, targets)) >= head) return;
    }
    if (Date.now() > deadline)
      throw new MigrationError(
        `the merge of ${region} did not reach sink version ${head} within ${timeoutMs} ms: is its ingest running?`,
        {
          region,
        },
      );
    await sleep(200);
  }
}

/** Removes W from one region: target tables (and their history), sink rows, offloads. Replayable. */
async function removeFromRegion(
  deps: MigrateDeps,
  workspaceId: string,
  region: string,
  mergeWaitMs: number,
): Promise<void> {
  const offloads = [{ store: deps.store, prefix: joinKey(deps.lakeRoot, regionLayout.offload(region)) }];
  const planDeps = { store: deps.store, lakeRoot: deps.lakeRoot, duckdb: deps.duckdb, offloads };
  const plan = await planErasure(planDeps, { workspaceId }, [region]);
  const run = deps.runMerge === undefined ? {} : { runMerge: deps.runMerge };
  const done = await executeErasure({ ...planDeps, mergeWaitMs, ...run }, plan, async (t) => {
    const again = await planErasure(planDeps, { workspaceId }, [t.region]);
    return again.tables.find((x) => x.path === t.path) ?? { ...t, files: [] };
  });
  const pending = done.tables.reduce((n, t) => n + t.pending.length, 0);
  if (pending > 0)
    throw new MigrationError(
      `${pending} old sink files of ${region} still hold ${workspaceId}: its merge has not passed the rewrite yet; ` +
        "run the job again (delete is replayable)",
      { region, workspaceId, pending },
    );
}
