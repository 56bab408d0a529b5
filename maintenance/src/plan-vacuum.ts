// The plan of a vacuum: which objects of a table's folder no version within the retention references, from the
// latest snapshot and a listing. Referenced are the live files and the files removed within the retention (the
// tombstones a checkpoint keeps for the table's tombstone retention, which is why the vacuum retention may not
// exceed it). A data file the log does not know at all is an orphan of a crashed or abandoned write; it goes only
// once older than the safety margin, so a write whose files are uploaded but whose commit is not yet placed keeps
// them. Reads only; the log is never touched.
import { type DeletionVectorDescriptor, loadSnapshot, relativeDvPath, type Table } from "@facsimile/lake";
import { InvalidMaintenanceOptionError } from "./errors.js";
import { type MaintenanceOptions, maintenanceOptions } from "./maintenance-options.js";

export interface VacuumFile {
  /** Store key. */
  readonly key: string;
  readonly size: number;
  readonly reason: "removed before the retention" | "orphan (never committed)";
}

export interface VacuumPlan {
  readonly kind: "vacuum";
  readonly table: string;
  readonly version: number;
  /** Files removed before this instant (ms) are no longer referenced. */
  readonly cutoff: number;
  readonly files: readonly VacuumFile[];
  readonly bytes: number;
  /** Data files kept: live, or removed within the retention, or too young to call orphans. */
  readonly kept: number;
}

/** Data files and deletion vector files: what a table's writers put beside the log. */
export function isTableDataKey(relative: string): boolean {
  if (relative.startsWith("_delta_log/") || relative.includes("/_delta_log/")) return false;
  return relative.endsWith(".parquet") || /(^|\/)deletion_vector_[^/]*\.bin$/.test(relative);
}

/** The path (relative to the table root) of the deletion vector file an add or remove references, if any. */
export function deletionVectorPaths(action: {
  readonly deletionVector?: DeletionVectorDescriptor | null;
}): string[] {
  const dv = action.deletionVector;
  if (dv === undefined || dv === null || dv.storageType !== "u") return [];
  return [relativeDvPath(dv.pathOrInlineDv)];
}

export async function planVacuum(
  table: Table,
  options: Partial<MaintenanceOptions> = {},
): Promise<VacuumPlan> {
  const o = maintenanceOptions(options);
  if (o.retentionMs > table.options.tombstoneRetentionMs)
    throw new InvalidMaintenanceOptionError(
      `the vacuum retention (${o.retentionMs} ms) exceeds the table's tombstone retention ` +
        `(${table.options.tombstoneRetentionMs} ms): checkpoints forget removed files after it, so vacuum could ` +
        "not tell which files older versions reference; shorten the retention",
      { retentionMs: o.retentionMs, tombstoneRetentionMs: table.options.tombstoneRetentionMs },
    );
  const snapshot = await loadSnapshot(table);
  const now = o.clock();
  const cutoff = now - o.retentionMs;
  const referenced = new Set<string>();
  for (const [path, add] of snapshot.files) {
    referenced.add(path);
    for (const dv of deletionVectorPaths(add)) referenced.add(dv);
  }
  for (const [path, remove] of snapshot.tombstones)
    if (remove.deletionTimestamp === undefined || remove.deletionTimestamp >= cutoff) {
      referenced.add(path);
      for (const dv of deletionVectorPaths(remove)) referenced.add(dv);
    }
  const prefix = table.path === "" ? "" : `${table.path}/`;
  const files: VacuumFile[] = [];
  let kept = 0;
  for await (const info of table.store.list(prefix)) {
    const relative = info.key.slice(prefix.length);
    if (!isTableDataKey(relative)) continue;
    if (referenced.has(relative)) {
      kept++;
      continue;
    }
    if (snapshot.tombstones.has(relative)) {
      files.push({ key: info.key, size: info.size, reason: "removed before the retention" });
      continue;
    }
    // Unknown to the log: an orphan, or a file whose tombstone expired long ago; either way old enough or kept.
    if (info.lastModified < now - o.orphanSafetyMs)
      files.push({ key: info.key, size: info.size, reason: "orphan (never committed)" });
    else kept++;
  }
  return {
    kind: "vacuum",
    table: table.url,
    version: snapshot.version,
    cutoff,
    files,
    bytes: files.reduce((n, f) => n + f.size, 0),
    kept,
  };
}
