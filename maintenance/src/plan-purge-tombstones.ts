// The plan of a tombstone purge: the tombstone rows of a target table whose row time is older than the purge
// horizon, by file, and the resources they delete. A tombstone row is what keeps a late, older update of its
// resource from coming back (it wins by last-writer-wins); before the row goes, the execution moves that guard to
// the erasure registry: the resource's records below the tombstone's generation + 1 are refused from then on, which
// is the generation rule (a resource that comes back after a delete starts a new generation). The raw sink is
// never purged (it is the record history the merge reads). Reads only.
import {
  type AddAction,
  loadSnapshot,
  quoteIdent,
  readCommit,
  readTable,
  type Snapshot,
  scanSql,
  type Table,
} from "@facsimile/lake";
import { type MaintenanceOptions, maintenanceOptions } from "./maintenance-options.js";

export interface PurgeColumns {
  readonly workspace: string;
  readonly resource: string;
  readonly generation: string;
  readonly tombstone: string;
  /** The row's time (the delivery's Kafka timestamp): the horizon is measured on it. */
  readonly time: string;
}

const COLUMNS: PurgeColumns = Object.freeze({
  workspace: "workspace_id",
  resource: "envelope_fields_resource_ari_value",
  generation: "envelope_fields_generation_counter",
  tombstone: "envelope_fields_is_tombstone",
  time: "row_refreshed_at",
});

export interface PurgedResource {
  readonly workspaceId: string;
  readonly resourceAri: string;
  /** The greatest generation among its purged tombstones: records at or below it are refused afterwards. */
  readonly generation: bigint;
}

export interface PurgeTombstonesPlan {
  readonly kind: "purge-tombstones";
  readonly table: string;
  readonly version: number;
  /** Tombstones whose row time is before this instant (ms) are purged. */
  readonly cutoff: number;
  /** Why the table is left alone (no tombstone rows of its kind), else undefined. */
  readonly skipped: string | undefined;
  readonly files: readonly { readonly path: string; readonly add: AddAction; readonly rows: number }[];
  readonly rows: number;
  readonly bytes: number;
  readonly resources: readonly PurgedResource[];
  readonly columns: PurgeColumns;
}

/** SQL true for the rows a purge with this cutoff drops, in these workspaces. */
export function purgedRowsPredicate(
  cols: PurgeColumns,
  cutoff: number,
  workspaces: readonly string[],
): string {
  const ws = workspaces.map((w) => `'${w.replaceAll("'", "''")}'`).join(", ");
  return (
    `coalesce(${quoteIdent(cols.tombstone)}, false) AND ${quoteIdent(cols.time)} < to_timestamp(${cutoff / 1000}) ` +
    `AND ${quoteIdent(cols.workspace)} IN (${workspaces.length === 0 ? "NULL" : ws})`
  );
}

/** False when the file's statistics prove it holds no row older than the cutoff. */
function mayHoldOld(add: AddAction, time: string, cutoff: number): boolean {
  if (add.stats === undefined) return true;
  try {
    const min = (JSON.parse(add.stats) as { minValues?: Record<string, unknown> }).minValues?.[time];
    if (typeof min !== "string") return true;
    const t = Date.parse(min);
    return Number.isNaN(t) || t < cutoff;
  } catch {
    return true;
  }
}

/** The writer kind the latest data commit names (commitInfo.writer), looking back a few commits. */
async function lastWriter(table: Table, version: number): Promise<string | undefined> {
  for (let v = version; v >= Math.max(0, version - 20); v--) {
    const actions = await readCommit(table, v).catch(() => []);
    for (const a of actions)
      if ("commitInfo" in a && typeof a.commitInfo.writer === "string") return a.commitInfo.writer;
  }
  return undefined;
}

function skip(table: Table, snapshot: Snapshot, cutoff: number, why: string): PurgeTombstonesPlan {
  return {
    kind: "purge-tombstones",
    table: table.url,
    version: snapshot.version,
    cutoff,
    skipped: why,
    files: [],
    rows: 0,
    bytes: 0,
    resources: [],
    columns: COLUMNS,
  };
}

export async function planPurgeTombstones(
  table: Table,
  options: Partial<MaintenanceOptions> = {},
): Promise<PurgeTombstonesPlan> {
  const o = maintenanceOptions(options);
  const snapshot = await loadSnapshot(table);
  const cutoff = o.clock() - o.purgeHorizonMs;
  const names = new Set(snapshot.schema.fields.map((f) => f.name));
  const missing = Object.values(COLUMNS).filter((c) => !names.has(c));
  if (missing.length > 0)
    return skip(table, snapshot, cutoff, `no tombstone rows: the table lacks ${missing.join(", ")}`);
  // Only in a Merge table is a tombstone row its resource's winner (its guard); an Append table's tombstone rows
  // are history, and guarding their resources would refuse the updates that legitimately came after them.
  const writer = await lastWriter(table, snapshot.version);
  if (writer !== "merge" && writer !== "merge-exploded")
    return skip(
      table,
      snapshot,
      cutoff,
      writer === "append"
        ? "the tombstone rows of an append table are history, not guards"
        : `not written by a merge writer (${writer ?? "unknown"}): its tombstone rows are not guards`,
    );
  const candidates = [...snapshot.files].filter(([, add]) => mayHoldOld(add, COLUMNS.time, cutoff));
  if (candidates.length === 0) return skip(table, snapshot, cutoff, "");
  const scan = await readTable(table, { snapshot: { ...snapshot, files: new Map(candidates) } });
  const sql = scanSql(snapshot.schema, snapshot.partitionColumns, scan.files, { fileColumn: "__fx_path" });
  const c = (n: keyof PurgeColumns): string => quoteIdent(COLUMNS[n]);
  const reader = await table.duckdb.runAndReadAll(
    `SELECT __fx_path, ${c("workspace")}, ${c("resource")}, max(${c("generation")})::VARCHAR, count(*)::BIGINT ` +
      `FROM (${sql}) AS __fx_t WHERE coalesce(${c("tombstone")}, false) AND ${c("time")} < to_timestamp(${cutoff / 1000}) ` +
      "GROUP BY ALL",
  );
  const perFile = new Map<string, number>();
  const resources = new Map<string, PurgedResource>();
  for (const [path, ws, res, gen, n] of reader.getRows()) {
    perFile.set(String(path), (perFile.get(String(path)) ?? 0) + Number(n));
    const key = JSON.stringify([ws, res]);
    const g = BigInt(String(gen ?? "0"));
    const prior = resources.get(key);
    if (prior === undefined || prior.generation < g)
      resources.set(key, { workspaceId: String(ws), resourceAri: String(res), generation: g });
  }
  const files = [...perFile].map(([path, rows]) => ({
    path,
    add: snapshot.files.get(path) as AddAction,
    rows,
  }));
  return {
    kind: "purge-tombstones",
    table: table.url,
    version: snapshot.version,
    cutoff,
    skipped: undefined,
    files,
    rows: files.reduce((n, f) => n + f.rows, 0),
    bytes: files.reduce((n, f) => n + f.add.size, 0),
    resources: [...resources.values()],
    columns: COLUMNS,
  };
}
