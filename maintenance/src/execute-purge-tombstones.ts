// Executes a tombstone purge: first the guard moves to the erasure registry (each purged resource is refused
// below its tombstone's generation + 1, one audited directory change per workspace, then a pause for the workers'
// cached views to follow), and only then the files holding the tombstones are rewritten without them in one
// commit. A workspace the directory does not know keeps its tombstones (nothing could guard them). The commit reads
// only the files it rewrites: a concurrent merge that rewrote one of them makes it plan again (and guard again).
import { type DirectoryView, updateWorkspace } from "@facsimile/control-plane";
import {
  type Action,
  type AddAction,
  commit,
  isCommitConflictError,
  loadSnapshot,
  removeOf,
  type Table,
} from "@facsimile/lake";
import { MaintenanceBusyError } from "./errors.js";
import { type MaintenanceOptions, maintenanceOptions } from "./maintenance-options.js";
import {
  type PurgedResource,
  type PurgeTombstonesPlan,
  planPurgeTombstones,
  purgedRowsPredicate,
} from "./plan-purge-tombstones.js";
import { discardFiles, rewriteFiles } from "./rewrite-files.js";

export interface PurgeTombstonesResult {
  readonly version: number | undefined;
  readonly rowsPurged: number;
  readonly filesRewritten: number;
  readonly bytesRemoved: number;
  readonly bytesAdded: number;
  /** Resources whose guard the registry holds now. */
  readonly resourcesGuarded: number;
  /** Workspaces the directory does not know: their tombstones stay. */
  readonly unguardedWorkspaces: readonly string[];
  readonly replans: number;
}

export interface PurgeAudit {
  readonly actor: string;
  readonly reason: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Records each resource's floor in the registry; returns the guarded workspaces and whether anything changed. */
export async function guardPurgedResources(
  view: DirectoryView,
  resources: readonly PurgedResource[],
  audit: PurgeAudit,
): Promise<{ guarded: string[]; unguarded: string[]; changed: boolean }> {
  const byWorkspace = new Map<string, PurgedResource[]>();
  for (const r of resources) byWorkspace.set(r.workspaceId, [...(byWorkspace.get(r.workspaceId) ?? []), r]);
  const guarded: string[] = [];
  const unguarded: string[] = [];
  let changed = false;
  for (const [workspaceId, list] of byWorkspace) {
    let wrote = false;
    const entry = await updateWorkspace(view, workspaceId, "purge-tombstones", audit, (c) => {
      if (c === undefined) return undefined;
      const floors = new Map(c.erasedResources.map((r) => [r.resourceAri, BigInt(r.generation)]));
      let any = false;
      for (const r of list) {
        const floor = r.generation + 1n;
        if ((floors.get(r.resourceAri) ?? -1n) < floor) {
          floors.set(r.resourceAri, floor);
          any = true;
        }
      }
      if (!any) return undefined;
      wrote = true;
      return {
        ...c,
        erasedResources: [...floors].map(([resourceAri, g]) => ({ resourceAri, generation: g.toString() })),
      };
    });
    if (entry === undefined) unguarded.push(workspaceId);
    else guarded.push(workspaceId);
    changed ||= wrote;
  }
  return { guarded, unguarded, changed };
}

export async function executePurgeTombstones(
  table: Table,
  first: PurgeTombstonesPlan,
  view: DirectoryView,
  options: Partial<MaintenanceOptions> & { readonly audit?: PurgeAudit } = {},
): Promise<PurgeTombstonesResult> {
  const o = maintenanceOptions(options);
  const audit = options.audit ?? { actor: "facsimile maintain", reason: "purge-tombstones" };
  // Every plan of this run uses the first plan's cutoff.
  const fixed = { ...o, clock: () => first.cutoff + o.purgeHorizonMs };
  let plan = first;
  let guardedCount = 0;
  for (let attempt = 1; attempt <= o.maxPlans; attempt++) {
    if (attempt > 1) plan = await planPurgeTombstones(table, fixed);
    const base = {
      resourcesGuarded: guardedCount,
      unguardedWorkspaces: [] as string[],
      replans: attempt - 1,
    };
    if (plan.files.length === 0)
      return {
        ...base,
        version: undefined,
        rowsPurged: 0,
        filesRewritten: 0,
        bytesRemoved: 0,
        bytesAdded: 0,
      };
    const guard = await guardPurgedResources(view, plan.resources, audit);
    guardedCount = plan.resources.filter((r) => guard.guarded.includes(r.workspaceId)).length;
    if (guard.changed) {
      o.onProgress?.(
        `purge-tombstones ${table.url}: ${guardedCount} resources guarded by the registry; waiting ${o.registrySettleMs} ms for workers' views`,
      );
      await sleep(o.registrySettleMs);
    }
    const predicate = purgedRowsPredicate(plan.columns, plan.cutoff, guard.guarded);
    const files = plan.files.filter(
      (f) =>
        guard.guarded.includes(String(f.add.partitionValues[plan.columns.workspace] ?? "")) ||
        f.add.partitionValues[plan.columns.workspace] === undefined,
    );
    if (files.length === 0)
      return {
        ...base,
        resourcesGuarded: guardedCount,
        unguardedWorkspaces: guard.unguarded,
        version: undefined,
        rowsPurged: 0,
        filesRewritten: 0,
        bytesRemoved: 0,
        bytesAdded: 0,
      };
    const snapshot = await loadSnapshot(table, { version: plan.version });
    const out = await rewriteFiles(table, snapshot, new Map(files.map((f) => [f.path, f.add])), {
      dropWhere: predicate,
      maxRowsPerFile: o.maxRowsPerFile,
      kmsKeyIdFor: o.kmsKeyIdFor,
    });
    const rowsBefore = files.reduce((n, f) => n + f.rows, 0);
    const now = o.clock();
    const actions: Action[] = [
      ...files.map((f): Action => ({ remove: removeOf(f.add, now) })),
      ...out.adds.map((add: AddAction): Action => ({ add })),
    ];
    try {
      const c = await commit(table, plan.version, actions, {
        operation: "DELETE",
        operationParameters: { predicate: `tombstones before ${new Date(plan.cutoff).toISOString()}` },
        read: { partitions: [] },
        partitionColumns: snapshot.partitionColumns,
        info: { facsimile: "maintenance", operationMetrics: { numDeletedRows: rowsBefore } },
      });
      return {
        ...base,
        resourcesGuarded: guardedCount,
        unguardedWorkspaces: guard.unguarded,
        version: c.version,
        rowsPurged: rowsBefore,
        filesRewritten: files.length,
        bytesRemoved: files.reduce((n, f) => n + f.add.size, 0),
        bytesAdded: out.bytes,
      };
    } catch (err) {
      await discardFiles(table, out.adds);
      if (!isCommitConflictError(err)) throw err;
      o.onProgress?.(`purge-tombstones ${table.url}: a concurrent write rewrote a file; planning again`);
    }
  }
  throw new MaintenanceBusyError(table.url, "purge-tombstones", o.maxPlans);
}
