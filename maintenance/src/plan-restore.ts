// The plan of a restore (Delta RESTORE semantics): the table as it was at a version (or at an instant: the latest
// version committed at or before it) comes back as a new commit that removes the current files the target version
// did not have and adds back the target's files the current version lacks. Before anything is committed, the
// erasure registry is applied to the files coming back: rows it forbids (erasures, and purged tombstones' older
// rows, recorded after that version) are counted here and left out by the execution, so a restore never brings
// erased data back. Reads only (the log, HEADs of the files to bring back, a scan of the ones that may hold
// forbidden rows).
import type { DirectoryEntry } from "@facsimile/control-plane";
import {
  type AddAction,
  isLakeError,
  listLog,
  loadSnapshot,
  type MetadataAction,
  readTable,
  type Snapshot,
  scanSql,
  type Table,
  tableKey,
  versionAtTimestamp,
} from "@facsimile/lake";
import { erasedRowsPredicate, erasureColumns } from "./erased-rows-sql.js";
import { RestoreFilesMissingError, RestoreTargetUnavailableError } from "./errors.js";

export interface RestoreTarget {
  readonly version?: number | undefined;
  /** ms since the epoch. */
  readonly timestamp?: number | undefined;
}

export interface RestoreFile {
  /** Decoded path relative to the table root. */
  readonly path: string;
  readonly add: AddAction;
  /** Rows of this file the erasure registry forbids (left out when it is brought back). */
  readonly erasedRows: number;
}

export interface RestorePlan {
  readonly kind: "restore";
  readonly table: string;
  readonly fromVersion: number;
  readonly toVersion: number;
  /** Commit time of the target version (ms). */
  readonly toTimestamp: number;
  readonly requested: RestoreTarget;
  /** Current files the target version does not have. */
  readonly remove: readonly { readonly path: string; readonly add: AddAction }[];
  /** The target's files the current version lacks. */
  readonly restore: readonly RestoreFile[];
  readonly bytesRemoved: number;
  readonly bytesRestored: number;
  /** Rows the registry forbids in the files brought back, and how many files are rewritten without them. */
  readonly erasedRows: number;
  readonly filesRewritten: number;
  /** The target's metadata when it differs from the current one (it is restored too). */
  readonly metadata: MetadataAction | undefined;
  /** The SQL predicate of the forbidden rows used for this plan (undefined: the registry forbids none). */
  readonly erasedPredicate: string | undefined;
}

function dvOf(add: AddAction): string {
  return JSON.stringify((add as { deletionVector?: unknown }).deletionVector ?? null);
}

async function oldestLoadable(table: Table): Promise<number | undefined> {
  const listing = await listLog(table, 0);
  const versions = [...listing.commits.keys(), ...listing.checkpoints];
  return versions.length === 0 ? undefined : Math.min(...versions);
}

async function targetSnapshot(table: Table, target: RestoreTarget, latest: number): Promise<Snapshot> {
  try {
    const version = target.version ?? (await versionAtTimestamp(table, target.timestamp ?? Number.NaN));
    if (version > latest)
      throw new RestoreTargetUnavailableError(
        table.url,
        `version ${version} is after the latest (${latest})`,
        {
          version,
          latest,
        },
      );
    return await loadSnapshot(table, { version });
  } catch (err) {
    if (err instanceof RestoreTargetUnavailableError || !isLakeError(err)) throw err;
    const oldest = await oldestLoadable(table);
    const what =
      target.version !== undefined
        ? `version ${target.version}`
        : `the version at ${new Date(target.timestamp ?? 0).toISOString()}`;
    throw new RestoreTargetUnavailableError(
      table.url,
      `${what} cannot be loaded (${(err as Error).message}); the oldest loadable version is ${oldest ?? "none"} ` +
        "(an erasure cuts a table's history, and a history is only as long as its log)",
      { ...target, oldest },
    );
  }
}

export async function planRestore(
  table: Table,
  target: RestoreTarget,
  registry: readonly DirectoryEntry[],
): Promise<RestorePlan> {
  const current = await loadSnapshot(table);
  const wanted = await targetSnapshot(table, target, current.version);
  // A logical file is its path and its deletion vector: the same path with another DV is another file.
  const same = (a: AddAction | undefined, b: AddAction): boolean => a !== undefined && dvOf(a) === dvOf(b);
  const remove = [...current.files]
    .filter(([path, add]) => !same(wanted.files.get(path), add))
    .map(([path, add]) => ({ path, add }));
  const back = [...wanted.files].filter(([path, add]) => !same(current.files.get(path), add));
  const missing: string[] = [];
  for (let i = 0; i < back.length; i += 16)
    await Promise.all(
      back.slice(i, i + 16).map(async ([path]) => {
        if ((await table.store.head(tableKey(table, path))) === undefined) missing.push(path);
      }),
    );
  if (missing.length > 0) throw new RestoreFilesMissingError(table.url, wanted.version, missing.sort());
  const cols = erasureColumns(wanted.schema);
  const predicate = cols === undefined ? undefined : erasedRowsPredicate(registry, cols);
  const erased = new Map<string, number>();
  if (predicate !== undefined && cols !== undefined && back.length > 0) {
    // Only files whose partition can hold a forbidden workspace are scanned (targets are partitioned by it).
    const forbidden = new Set(registry.map((e) => e.workspaceId));
    const candidates = back.filter(([, add]) => {
      const w = add.partitionValues[cols.workspace];
      return w === undefined || w === null || forbidden.has(w);
    });
    if (candidates.length > 0) {
      const scan = await readTable(table, { snapshot: { ...wanted, files: new Map(candidates) } });
      const path = "__fx_path";
      const sql = scanSql(wanted.schema, wanted.partitionColumns, scan.files, { fileColumn: path });
      const reader = await table.duckdb.runAndReadAll(
        `SELECT ${path}, count(*)::BIGINT FROM (${sql}) AS __fx_back ` +
          `WHERE ${predicate} GROUP BY ${path}`,
      );
      for (const [p, n] of reader.getRows()) erased.set(String(p), Number(n));
    }
  }
  const restore = back.map(([path, add]) => ({ path, add, erasedRows: erased.get(path) ?? 0 }));
  return {
    kind: "restore",
    table: table.url,
    fromVersion: current.version,
    toVersion: wanted.version,
    toTimestamp: wanted.timestamp,
    requested: target,
    remove,
    restore,
    bytesRemoved: remove.reduce((n, f) => n + f.add.size, 0),
    bytesRestored: restore.reduce((n, f) => n + f.add.size, 0),
    erasedRows: restore.reduce((n, f) => n + f.erasedRows, 0),
    filesRewritten: restore.filter((f) => f.erasedRows > 0).length,
    metadata:
      wanted.metadata.schemaString === current.metadata.schemaString &&
      JSON.stringify(wanted.metadata.partitionColumns) === JSON.stringify(current.metadata.partitionColumns)
        ? undefined
        : wanted.metadata,
    erasedPredicate: predicate,
  };
}
