// Executes a restore plan: the files coming back that hold rows the erasure registry forbids are rewritten without
// them (under their partition's key), then one RESTORE commit removes the current files the target lacked and adds
// the target's files back (dataChange=true: to a reader of changes, a restore is a change). The commit reads the
// whole table, so any concurrent data change makes it plan again from the new latest version (the target version
// stays the one resolved first); the registry is read again for each plan. Txn actions are not restored (as in
// Delta): the writers' replay guards keep their latest positions.
import type { DirectoryEntry } from "@facsimile/control-plane";
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
import { planRestore, type RestorePlan } from "./plan-restore.js";
import { discardFiles, rewriteFiles } from "./rewrite-files.js";

export interface RestoreResult {
  readonly version: number;
  readonly fromVersion: number;
  readonly toVersion: number;
  readonly filesRemoved: number;
  readonly bytesRemoved: number;
  /** Files of the target version brought back as they were. */
  readonly filesRestored: number;
  readonly bytesRestored: number;
  /** Files brought back rewritten without forbidden rows: how many, the files written, their bytes. */
  readonly filesRewritten: number;
  readonly filesWritten: number;
  readonly bytesWritten: number;
  readonly erasedRows: number;
  readonly replans: number;
}

export async function executeRestore(
  table: Table,
  first: RestorePlan,
  /** The registry as of now: read again for every plan. */
  registry: () => Promise<readonly DirectoryEntry[]>,
  options: Partial<MaintenanceOptions> = {},
): Promise<RestoreResult> {
  const o = maintenanceOptions(options);
  let plan = first;
  for (let attempt = 1; attempt <= o.maxPlans; attempt++) {
    if (attempt > 1) plan = await planRestore(table, { version: first.toVersion }, await registry());
    const now = o.clock();
    const actions: Action[] = [];
    if (plan.metadata !== undefined) actions.push({ metaData: plan.metadata });
    for (const f of plan.remove) actions.push({ remove: removeOf(f.add, now) });
    const asIs = plan.restore.filter((f) => f.erasedRows === 0);
    for (const f of asIs) actions.push({ add: { ...f.add, dataChange: true, modificationTime: now } });
    const rewrite = plan.restore.filter((f) => f.erasedRows > 0);
    let written: readonly AddAction[] = [];
    let bytesWritten = 0;
    if (rewrite.length > 0 && plan.erasedPredicate !== undefined) {
      const target = await loadSnapshot(table, { version: plan.toVersion });
      const out = await rewriteFiles(table, target, new Map(rewrite.map((f) => [f.path, f.add])), {
        dropWhere: plan.erasedPredicate,
        maxRowsPerFile: o.maxRowsPerFile,
        kmsKeyIdFor: o.kmsKeyIdFor,
      });
      written = out.adds;
      bytesWritten = out.bytes;
      for (const add of written) actions.push({ add });
    }
    const result: Omit<RestoreResult, "version"> = {
      fromVersion: plan.fromVersion,
      toVersion: plan.toVersion,
      filesRemoved: plan.remove.length,
      bytesRemoved: plan.bytesRemoved,
      filesRestored: asIs.length,
      bytesRestored: asIs.reduce((n, f) => n + f.add.size, 0),
      filesRewritten: rewrite.length,
      filesWritten: written.length,
      bytesWritten,
      erasedRows: plan.erasedRows,
      replans: attempt - 1,
    };
    if (actions.length === 0) return { ...result, version: plan.fromVersion };
    try {
      const c = await commit(table, plan.fromVersion, actions, {
        operation: "RESTORE",
        operationParameters: {
          version: plan.toVersion,
          ...(plan.requested.timestamp === undefined
            ? {}
            : { timestamp: new Date(plan.requested.timestamp).toISOString() }),
        },
        read: { partitions: "all" },
        info: {
          facsimile: "maintenance",
          operationMetrics: {
            numRemovedFile: result.filesRemoved,
            numRestoredFile: result.filesRestored + result.filesWritten,
            removedFilesSize: result.bytesRemoved,
            restoredFilesSize: result.bytesRestored + result.bytesWritten,
            numErasedRows: result.erasedRows,
          },
        },
      });
      return { ...result, version: c.version };
    } catch (err) {
      await discardFiles(table, written);
      if (!isCommitConflictError(err)) throw err;
      o.onProgress?.(`restore ${table.url}: a concurrent write landed; planning again`);
    }
  }
  throw new MaintenanceBusyError(table.url, "restore", o.maxPlans);
}
