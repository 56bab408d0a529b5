// Executes an erasure plan table by table: one commit per table that removes the files holding the subject and
// adds them rewritten without its rows (copy-on-write through the lake's writer of data files), then the history:
// every older data file of the table that still holds the subject (files of earlier versions, orphans) is deleted
// from the store, and target tables' logs are cut at the new version (purgeHistory) so no earlier version loads.
// The raw sink's old files go only once every target of the region has merged past the rewrite (the merge reads
// old files back to tell new rows from rewritten ones); until then they are reported as pending and a re-run
// finishes them, unless the caller can run the merge itself (runMerge: the CLI starts a merge-only worker).
// Offloaded objects of the workspace go last. Every step is idempotent: a re-run finds less to do.
import type { DuckDBConnection } from "@duckdb/node-api";
import {
  type Action,
  commit,
  evictLocalCopies,
  isCommitConflictError,
  loadSnapshot,
  localFiles,
  openTable,
  purgeHistory,
  quoteLiteral,
  readTable,
  regionLayout,
  type Table,
  writeDataFiles,
} from "@facsimile/lake";
import type { ObjectStore } from "@facsimile/object-store";
import { joinKey } from "./lake-tables.js";
import type { ErasurePlan, ErasureSubject, OffloadLocation, TableErasure } from "./plan-erasure.js";
import { subjectPredicate } from "./plan-erasure.js";

export interface TableErasureResult {
  readonly region: string;
  readonly table: string;
  /** The version of the erasing commit (undefined: nothing live to change). */
  readonly version: number | undefined;
  readonly rowsRemoved: number;
  readonly filesRemoved: number;
  readonly filesRewritten: number;
  /** Objects deleted from the store (live files replaced, files of earlier versions, orphans). */
  readonly objectsDeleted: number;
  readonly bytesDeleted: number;
  /** Log objects deleted by cutting the history. */
  readonly logObjectsDeleted: number;
  /** Old files still holding the subject, kept until the region's merge passed the rewrite: re-run to finish. */
  readonly pending: readonly string[];
}

export interface ExecuteErasureDeps {
  readonly store: ObjectStore;
  readonly lakeRoot: string;
  readonly duckdb: DuckDBConnection;
  readonly offloads: readonly OffloadLocation[];
  readonly onProgress?: (message: string) => void;
  /** How long to wait for the region's merge to pass the sink rewrite before leaving old sink files pending. */
  readonly mergeWaitMs?: number;
  /**
   * Runs the region's pending merge here (through the sink head) when no worker passed the rewrite within
   * mergeWaitMs; without it the old sink files stay pending and a re-run finishes them.
   */
  readonly runMerge?: RunMerge;
}

/** Brings every target table of a region up to its sink head, e.g. with a merge-only ingest worker. */
export type RunMerge = (region: string) => Promise<void>;

const MAX_ATTEMPTS = 10;

function isDataFile(key: string): boolean {
  return key.endsWith(".parquet") && !key.includes("/_delta_log/");
}

async function commitErasure(
  table: Table,
  t: TableErasure,
  subject: ErasureSubject,
): Promise<number | undefined> {
  if (t.files.length === 0 || t.column === undefined) return undefined;
  const snapshot = await loadSnapshot(table, { version: t.version });
  const now = Date.now();
  const actions: Action[] = t.files.map((f) => ({
    remove: {
      path: f.add.path,
      deletionTimestamp: now,
      dataChange: true,
      extendedFileMetadata: true,
      partitionValues: f.add.partitionValues,
      size: f.add.size,
    },
  }));
  const rewrite = t.files.filter((f) => f.action === "rewrite");
  if (rewrite.length > 0) {
    const scan = await readTable(table, {
      snapshot: { ...snapshot, files: new Map(rewrite.map((f) => [f.path, f.add])) },
    });
    const written = await writeDataFiles(
      table,
      snapshot.schema,
      snapshot.partitionColumns,
      `SELECT * FROM (${scan.sql}) AS __fx_rewrite WHERE NOT (${subjectPredicate(t.column, subject)})`,
    );
    for (const add of written.adds) actions.push({ add });
  }
  const result = await commit(table, t.version, actions, {
    operation: "DELETE",
    operationParameters: { predicate: `${t.column} = <erased subject>` },
    read: { partitions: t.files.map((f) => f.add.partitionValues) },
    partitionColumns: snapshot.partitionColumns,
    info: { facsimile: "erasure" },
  });
  return result.version;
}

/** The sink version every target of the region has merged through (-1 when some target never merged). */
export async function mergedThrough(
  store: ObjectStore,
  duckdb: DuckDBConnection,
  root: string,
  region: string,
  targets: readonly string[],
): Promise<number> {
  const sinkPath = joinKey(root, regionLayout.sink(region));
  let low = Number.POSITIVE_INFINITY;
  for (const name of targets) {
    const snapshot = await loadSnapshot(
      openTable(store, joinKey(root, regionLayout.table(region, name)), duckdb),
    );
    // Merge positions are per Kafka partition (`merge:<sink>#<partition>`), the whole-sink txn their floor.
    const appId = `merge:${sinkPath}`;
    const floor = snapshot.txns.get(appId)?.version ?? -1;
    const parts = [...snapshot.txns.values()].filter((t) => t.appId.startsWith(`${appId}#`));
    const at = parts.length === 0 ? floor : Math.min(...parts.map((t) => Math.max(floor, t.version)));
    low = Math.min(low, at);
  }
  return low === Number.POSITIVE_INFINITY ? Number.POSITIVE_INFINITY : low;
}

/** Old data files of the table (not live) that hold the subject. */
async function historicalFiles(
  table: Table,
  t: TableErasure,
  subject: ErasureSubject,
  live: ReadonlySet<string>,
): Promise<{ key: string; size: number }[]> {
  const prefix = `${table.path}/`;
  const wholePartition = t.name !== "sink" && subject.resourceAri === undefined;
  const under = wholePartition ? `${prefix}workspace_id=${subject.workspaceId}/` : prefix;
  const out: { key: string; size: number }[] = [];
  for await (const o of table.store.list(under)) {
    if (!isDataFile(o.key) || live.has(o.key.slice(prefix.length))) continue;
    if (wholePartition || t.column === undefined) {
      if (wholePartition) out.push({ key: o.key, size: o.size });
      continue;
    }
    const [local] = await localFiles(table, [o.key]);
    const reader = await table.duckdb.runAndReadAll(
      `SELECT count(*) FROM read_parquet(${quoteLiteral(local as string)}, hive_partitioning = false) ` +
        `WHERE ${subjectPredicate(t.column, subject)}`,
    );
    if (Number(reader.getRows()[0]?.[0] ?? 0) > 0) out.push({ key: o.key, size: o.size });
  }
  return out;
}

export async function executeErasure(
  deps: ExecuteErasureDeps,
  plan: ErasurePlan,
  replan: (t: TableErasure) => Promise<TableErasure>,
): Promise<{
  readonly tables: readonly TableErasureResult[];
  readonly offloadObjects: number;
  readonly offloadBytes: number;
}> {
  const subject = plan.subject;
  const results: TableErasureResult[] = [];
  const targetsOf = (region: string): string[] =>
    plan.tables.filter((t) => t.region === region && t.name !== "sink").map((t) => t.name);
  // Targets first: the sink's old files may go only after the merge passed the rewrite.
  const ordered = [...plan.tables].sort((a, b) => (a.name === "sink" ? 1 : 0) - (b.name === "sink" ? 1 : 0));
  for (let t of ordered) {
    const table = openTable(deps.store, t.path, deps.duckdb);
    let version: number | undefined;
    for (let attempt = 1; ; attempt++) {
      try {
        version = await commitErasure(table, t, subject);
        break;
      } catch (err) {
        if (!isCommitConflictError(err) || attempt >= MAX_ATTEMPTS) throw err;
        t = await replan(t);
      }
    }
    const snapshot = await loadSnapshot(table);
    const live = new Set(snapshot.files.keys());
    const old = await historicalFiles(table, t, subject, live);
    let logObjectsDeleted = 0;
    let deletable = old;
    const pending: string[] = [];
    if (t.name === "sink") {
      const deadline = Date.now() + (deps.mergeWaitMs ?? 0);
      let through = await mergedThrough(
        deps.store,
        deps.duckdb,
        deps.lakeRoot,
        t.region,
        targetsOf(t.region),
      );
      while (through < snapshot.version && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        through = await mergedThrough(deps.store, deps.duckdb, deps.lakeRoot, t.region, targetsOf(t.region));
      }
      if (through < snapshot.version && deps.runMerge !== undefined) {
        deps.onProgress?.(
          `${t.region}: no merge passed the sink rewrite (version ${snapshot.version}) within ${deps.mergeWaitMs ?? 0} ms: running the merge here`,
        );
        await deps.runMerge(t.region);
        through = await mergedThrough(deps.store, deps.duckdb, deps.lakeRoot, t.region, targetsOf(t.region));
      }
      if (through < snapshot.version) {
        deletable = [];
        pending.push(...old.map((o) => o.key));
      }
    } else if (version !== undefined || old.length > 0) {
      logObjectsDeleted = (await purgeHistory(table)).deletedLogObjects;
    }
    let bytesDeleted = 0;
    for (const o of deletable) {
      await deps.store.delete(o.key);
      bytesDeleted += o.size;
    }
    await evictLocalCopies(
      table,
      deletable.map((o) => o.key),
    );
    const result: TableErasureResult = {
      region: t.region,
      table: t.name,
      version,
      rowsRemoved: t.files.reduce((n, f) => n + f.matching, 0),
      filesRemoved: t.files.filter((f) => f.action === "remove").length,
      filesRewritten: t.files.filter((f) => f.action === "rewrite").length,
      objectsDeleted: deletable.length,
      bytesDeleted,
      logObjectsDeleted,
      pending,
    };
    deps.onProgress?.(
      `${t.region}/${t.name}: ${result.rowsRemoved} rows, ${result.filesRemoved} files removed, ` +
        `${result.filesRewritten} rewritten, ${result.objectsDeleted} objects deleted` +
        (pending.length > 0 ? `, ${pending.length} pending the merge` : ""),
    );
    results.push(result);
  }
  let offloadObjects = 0;
  let offloadBytes = 0;
  for (const [i, o] of deps.offloads.entries()) {
    const prefix = `${o.prefix.replace(/\/+$/, "")}/${subject.workspaceId}/`;
    if (subject.resourceAri !== undefined) {
      // A resource's objects were found from its payloads in the plan (the sink no longer holds them now).
      for (const key of plan.offloads[i]?.keys ?? []) {
        const info = await o.store.head(key);
        if (info === undefined) continue;
        await o.store.delete(key);
        offloadObjects++;
        offloadBytes += info.size;
      }
      continue;
    }
    for await (const info of o.store.list(prefix)) {
      await o.store.delete(info.key);
      offloadObjects++;
      offloadBytes += info.size;
    }
  }
  return { tables: results, offloadObjects, offloadBytes };
}
