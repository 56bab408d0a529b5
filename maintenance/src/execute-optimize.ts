// Executes an optimize plan beside live ingest: each planned partition's files are rewritten into large ones and
// committed with dataChange=false (the rows are the same, so readers of changes and the merge stage skip them).
// The commit reads nothing but the files it removes: a streaming merge adding files meanwhile does not conflict.
// When a merge removed one of our files first (it rewrote or folded it), the commit conflicts; then the snapshot is
// read again, the partitions whose files all survived keep their new files, and only the others are planned
// again from the new snapshot (a partition that keeps losing is left for the next run). Ingest is never stopped
// and no CommitConflictError reaches the caller.
import {
  type Action,
  type AddAction,
  commit,
  isCommitConflictError,
  loadSnapshot,
  removeOf,
  type Snapshot,
  type Table,
} from "@facsimile/lake";
import { MaintenanceBusyError } from "./errors.js";
import { type MaintenanceOptions, maintenanceOptions } from "./maintenance-options.js";
import { type OptimizeGroup, type OptimizePlan, planOptimize } from "./plan-optimize.js";
import { discardFiles, type Rewritten, rewriteFiles } from "./rewrite-files.js";

/** Plans one partition may be given before it is left for the next run. */
const REPLANS_PER_PARTITION = 3;

export interface OptimizeResult {
  /** The version committed, or undefined when there was nothing to compact. */
  readonly version: number | undefined;
  /** Commit attempts that conflicted with a concurrent writer and were re-planned. */
  readonly replans: number;
  readonly partitions: number;
  readonly filesRemoved: number;
  readonly filesAdded: number;
  readonly bytesRemoved: number;
  readonly bytesAdded: number;
  readonly rows: number;
  /** Partitions left for the next run because concurrent writers kept rewriting them. */
  readonly skippedPartitions: readonly string[];
}

export async function executeOptimize(
  table: Table,
  plan: OptimizePlan,
  options: Partial<MaintenanceOptions> = {},
): Promise<OptimizeResult> {
  const o = maintenanceOptions(options);
  const empty: OptimizeResult = {
    version: undefined,
    replans: 0,
    partitions: 0,
    filesRemoved: 0,
    filesAdded: 0,
    bytesRemoved: 0,
    bytesAdded: 0,
    rows: 0,
    skippedPartitions: [],
  };
  if (plan.groups.length === 0) return empty;
  let snapshot: Snapshot = await loadSnapshot(table, { version: plan.version });
  let groups: OptimizeGroup[] = [...plan.groups];
  const written = new Map<string, Rewritten>();
  const replanned = new Map<string, number>();
  const skipped: string[] = [];
  let replans = 0;
  let committed = false;
  try {
    for (let attempt = 1; attempt <= o.maxPlans; attempt++) {
      for (const g of groups)
        if (!written.has(g.key)) {
          const out = await rewriteFiles(table, snapshot, new Map(g.files.map((f) => [f.path, f.add])), {
            maxRowsPerFile: o.maxRowsPerFile,
            rowsAtMost: g.rows,
            kmsKeyIdFor: o.kmsKeyIdFor,
          });
          if (g.rows !== undefined && g.deletionVectors === 0 && out.rows !== g.rows) {
            await discardFiles(table, out.adds);
            throw new Error(
              `optimize of ${table.url} partition ${g.key} read ${out.rows} rows where the files' statistics say ${g.rows}`,
            );
          }
          written.set(g.key, out);
          o.onProgress?.(
            `optimize ${table.url} ${g.key}: ${g.files.length} files (${g.bytes} bytes) -> ${out.adds.length} (${out.bytes} bytes)`,
          );
        }
      if (groups.length === 0) return { ...empty, replans, skippedPartitions: skipped };
      const now = o.clock();
      const actions: Action[] = [];
      let result = { ...empty, replans, skippedPartitions: skipped, partitions: groups.length };
      for (const g of groups) {
        const out = written.get(g.key) as Rewritten;
        for (const f of g.files) actions.push({ remove: { ...removeOf(f.add, now), dataChange: false } });
        for (const add of out.adds) actions.push({ add: { ...add, dataChange: false } as AddAction });
        result = {
          ...result,
          filesRemoved: result.filesRemoved + g.files.length,
          filesAdded: result.filesAdded + out.adds.length,
          bytesRemoved: result.bytesRemoved + g.bytes,
          bytesAdded: result.bytesAdded + out.bytes,
          rows: result.rows + out.rows,
        };
      }
      try {
        const c = await commit(table, snapshot.version, actions, {
          operation: "OPTIMIZE",
          operationParameters: { predicate: [], zOrderBy: [] },
          // Only the removed files matter: a concurrent removal of one of them is the one real conflict.
          read: { partitions: [] },
          partitionColumns: snapshot.partitionColumns,
          info: {
            facsimile: "maintenance",
            operationMetrics: {
              numRemovedFiles: result.filesRemoved,
              numAddedFiles: result.filesAdded,
              numRemovedBytes: result.bytesRemoved,
              numAddedBytes: result.bytesAdded,
            },
          },
        });
        committed = true;
        return { ...result, version: c.version };
      } catch (err) {
        if (!isCommitConflictError(err)) throw err;
        replans++;
        snapshot = await loadSnapshot(table);
        const live = snapshot.files;
        const stale = groups.filter((g) => g.files.some((f) => !live.has(f.path)));
        const again = new Set<string>();
        for (const g of stale) {
          await discardFiles(table, written.get(g.key)?.adds ?? []);
          written.delete(g.key);
          const n = (replanned.get(g.key) ?? 0) + 1;
          replanned.set(g.key, n);
          if (n > REPLANS_PER_PARTITION) skipped.push(g.key);
          else again.add(g.key);
        }
        o.onProgress?.(
          `optimize ${table.url}: a concurrent write took files of ${stale.length} partitions; re-planning ${again.size} at version ${snapshot.version}`,
        );
        groups = [
          ...groups.filter((g) => !stale.includes(g)),
          ...(again.size === 0 ? [] : planOptimize(snapshot, o, again).groups),
        ];
      }
    }
    throw new MaintenanceBusyError(table.url, "optimize", o.maxPlans);
  } finally {
    if (!committed) for (const out of written.values()) await discardFiles(table, out.adds);
  }
}
