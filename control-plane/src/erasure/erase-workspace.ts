// `facsimile control erase`: GDPR erasure of a workspace (or of one resource of it), as a plan then steps:
// 1. registry: the directory records the erasure (workspace: state ERASING and a deletion generation above every
//    generation seen; resource: an erased-resource entry above its generations). From then on every path that
//    writes rows drops the subject, whatever its version: the ingest classify step and merge, re-routes, copies.
// 2. settle: wait for the workers' cached views to follow (a refresh interval or two).
// 3. remove: per table, rewrite the files holding the subject, delete older files of it, cut target histories.
// 4. offloads: delete the workspace's offloaded payloads.
// 5. verify: scan again; then the directory says ERASED (workspace erasure) and a receipt is returned.
// Re-running is safe at any point and finishes what a crash or a lagging merge left.
import type { DuckDBConnection } from "@duckdb/node-api";
import { regionLayout } from "@facsimile/lake";
import type { ObjectStore } from "@facsimile/object-store";
import type { DirectoryEntry } from "../directory/directory-entry.js";
import type { DirectoryView } from "../directory/directory-view.js";
import { updateWorkspace } from "../directory/update-workspace.js";
import { WorkspaceNotFoundError } from "../errors.js";
import { executeErasure, type RunMerge, type TableErasureResult } from "./execute-erasure.js";
import { joinKey, listLakeTables } from "./lake-tables.js";
import { type ErasurePlan, type ErasureSubject, type OffloadLocation, planErasure } from "./plan-erasure.js";

export interface EraseDeps {
  readonly view: DirectoryView;
  readonly store: ObjectStore;
  /** Key prefix of the lake in the store ("" = its root). */
  readonly lakeRoot?: string;
  readonly duckdb: DuckDBConnection;
  /** Where offloaded payloads live; default: `offload/` in the lake's store. */
  readonly offloads?: readonly OffloadLocation[];
  readonly onProgress?: (message: string) => void;
  readonly clock?: () => number;
  /** Runs a region's pending merge when no worker does (see ExecuteErasureDeps.runMerge). */
  readonly runMerge?: RunMerge;
}

export interface EraseOptions {
  readonly dryRun: boolean;
  readonly actor: string;
  readonly reason: string;
  /** How long to wait after the registry change for workers' cached views to follow. */
  readonly settleMs: number;
  /** How long to wait for the region's merge to pass the sink rewrite (else old sink files stay pending). */
  readonly mergeWaitMs: number;
}

export const DEFAULT_ERASE_OPTIONS: Readonly<EraseOptions> = Object.freeze({
  dryRun: false,
  actor: "facsimile control erase",
  reason: "GDPR erasure request",
  settleMs: 2_500,
  mergeWaitMs: 30_000,
});

export interface ErasureVerification {
  /** Rows of the subject still live in any table (must be 0). */
  readonly liveRows: number;
  /** Old data files still holding the subject (pending the merge, else 0). */
  readonly historicalFiles: number;
  readonly offloadObjects: number;
  readonly clean: boolean;
}

export interface ErasureReceipt {
  readonly subject: ErasureSubject;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly deletionGeneration: string;
  readonly tables: readonly TableErasureResult[];
  readonly rowsRemoved: number;
  readonly objectsDeleted: number;
  readonly bytesDeleted: number;
  readonly offloadObjectsDeleted: number;
  readonly offloadBytesDeleted: number;
  readonly verification: ErasureVerification;
}

export type EraseResult =
  | { readonly kind: "plan"; readonly plan: ErasurePlan }
  | { readonly kind: "receipt"; readonly receipt: ErasureReceipt };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function maxBig(...values: bigint[]): bigint {
  return values.reduce((a, b) => (a > b ? a : b));
}

export async function eraseWorkspace(
  deps: EraseDeps,
  subject: ErasureSubject,
  options: Partial<EraseOptions> = {},
): Promise<EraseResult> {
  const o = { ...DEFAULT_ERASE_OPTIONS, ...options };
  const clock = deps.clock ?? Date.now;
  const root = deps.lakeRoot ?? "";
  const offloads = deps.offloads ?? (await defaultOffloads(deps.store, root));
  const planDeps = { store: deps.store, lakeRoot: root, duckdb: deps.duckdb, offloads };
  const startedAt = new Date(clock()).toISOString();
  await deps.view.refresh();
  const entry = deps.view.get(subject.workspaceId);
  if (entry === undefined) throw new WorkspaceNotFoundError(subject.workspaceId);
  const plan = await planErasure(planDeps, subject);
  if (o.dryRun) return { kind: "plan", plan };

  const seen = maxBig(-1n, ...plan.tables.map((t) => t.maxGeneration));
  const audit = { actor: o.actor, reason: o.reason };
  const registered = await updateWorkspace(
    deps.view,
    subject.workspaceId,
    subject.resourceAri === undefined ? "erase" : "erase-resource",
    audit,
    (c) => {
      if (c === undefined) throw new WorkspaceNotFoundError(subject.workspaceId);
      return registryChange(c, subject, seen);
    },
  );
  deps.onProgress?.(
    `registry: ${subject.resourceAri ?? subject.workspaceId} erased from generation ${generationOf(registered, subject)}`,
  );
  await sleep(o.settleMs);

  // Plan again: rows merged while the workers' views followed are in it now.
  const fresh = await planErasure(planDeps, subject);
  const done = await executeErasure(
    {
      ...planDeps,
      mergeWaitMs: o.mergeWaitMs,
      ...(deps.onProgress === undefined ? {} : { onProgress: deps.onProgress }),
      ...(deps.runMerge === undefined ? {} : { runMerge: deps.runMerge }),
    },
    fresh,
    async (t) => {
      const again = await planErasure(planDeps, subject, [t.region]);
      return again.tables.find((x) => x.path === t.path) ?? { ...t, files: [] };
    },
  );
  const verification = await verifyErasure(planDeps, subject, done.tables);
  if (subject.resourceAri === undefined && verification.clean)
    await updateWorkspace(deps.view, subject.workspaceId, "erased", audit, (c) =>
      c === undefined || c.state === "ERASED" ? undefined : { ...c, state: "ERASED" },
    );
  return {
    kind: "receipt",
    receipt: {
      subject,
      startedAt,
      finishedAt: new Date(clock()).toISOString(),
      deletionGeneration: generationOf(deps.view.get(subject.workspaceId), subject),
      tables: done.tables,
      rowsRemoved: done.tables.reduce((n, t) => n + t.rowsRemoved, 0),
      objectsDeleted:
        done.tables.reduce((n, t) => n + t.objectsDeleted + t.logObjectsDeleted, 0) + done.offloadObjects,
      bytesDeleted: done.tables.reduce((n, t) => n + t.bytesDeleted, 0) + done.offloadBytes,
      offloadObjectsDeleted: done.offloadObjects,
      offloadBytesDeleted: done.offloadBytes,
      verification,
    },
  };
}

function generationOf(entry: DirectoryEntry | undefined, subject: ErasureSubject): string {
  if (entry === undefined) return "0";
  if (subject.resourceAri === undefined) return entry.deletionGeneration;
  return entry.erasedResources.find((r) => r.resourceAri === subject.resourceAri)?.generation ?? "0";
}

/** The directory change that puts the subject in the erasure registry (undefined when it is there already). */
function registryChange(
  c: DirectoryEntry,
  subject: ErasureSubject,
  seen: bigint,
): Omit<DirectoryEntry, "seq"> | undefined {
  const above = (current: string): string => maxBig(BigInt(current), seen + 1n).toString();
  if (subject.resourceAri === undefined) {
    if (c.state === "ERASING" || c.state === "ERASED") return undefined;
    return { ...c, state: "ERASING", deletionGeneration: above(c.deletionGeneration) };
  }
  const current = c.erasedResources.find((r) => r.resourceAri === subject.resourceAri);
  const generation = above(current?.generation ?? "0");
  if (current !== undefined && current.generation === generation) return undefined;
  return {
    ...c,
    erasedResources: [
      ...c.erasedResources.filter((r) => r.resourceAri !== subject.resourceAri),
      { resourceAri: subject.resourceAri, generation },
    ],
  };
}

async function verifyErasure(
  deps: Parameters<typeof planErasure>[0],
  subject: ErasureSubject,
  tables: readonly TableErasureResult[],
): Promise<ErasureVerification> {
  const after = await planErasure(deps, subject);
  const liveRows = after.rows;
  const historicalFiles = tables.reduce((n, t) => n + t.pending.length, 0);
  const offloadObjects = after.offloads.reduce((n, x) => n + x.keys.length, 0);
  return {
    liveRows,
    historicalFiles,
    offloadObjects,
    clean: liveRows === 0 && historicalFiles === 0 && offloadObjects === 0,
  };
}

/**
 * The producer's default offload prefix and each region's (regions/<r>/offload), in the lake's store, and each
 * region's dead letters' payloads (regions/<r>/dead-letters: the DLQ messages only reference them).
 */
async function defaultOffloads(store: ObjectStore, root: string): Promise<OffloadLocation[]> {
  const regions = [...new Set((await listLakeTables(store, root)).map((t) => t.region))];
  return [
    ...["offload", ...regions.map((r) => regionLayout.offload(r))].map((p) => ({
      store,
      prefix: joinKey(root, p),
    })),
    ...regions.map((r) => ({
      store,
      prefix: joinKey(root, regionLayout.deadLetters(r)),
      kind: "dead-letters" as const,
    })),
  ];
}
