// The union read: a session's tables show their merged snapshot plus the records the raw sink committed that the
// merge stage has not merged into them yet, so an analyst sees a record as soon as the sink holds it. The
// unmerged records (sink versions after each table's merge txn) go through the same transform models as in the
// merge stage (ingest's runModel: a record a model fails on is left out, as the merge would dead-letter it), and
// meet the snapshot's rows under the one last-writer-wins order of the lake writers (lwwOrder), with the same
// key rules as the table's writer. Reads the lake only; never writes it and never runs analyst SQL.
import { join } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { mergeAppId, readSinkRange, runModel, type SinkRecord } from "@facsimile/ingest";
import {
  loadSnapshot,
  lwwOrder,
  openTable,
  quoteIdent,
  quoteLiteral,
  regionLayout,
  type Snapshot,
  type Table,
  TableNotFoundError,
  txnVersion,
} from "@facsimile/lake";
import type { SchemaRegistry } from "@facsimile/schemas";
import { type CompiledModel, createSourceTable, loadSourceRows } from "@facsimile/transforms";
import type { OverlayContext, SessionOverlay, TableOverlay } from "../session/open-workspace-session.js";

export interface UnionReadDeps {
  readonly registry: SchemaRegistry;
  /** The region's compiled models (the same the ingest workers run). */
  readonly models: readonly CompiledModel[];
  /** The target tables' workspace column (default workspace_id). */
  readonly workspaceColumn?: string;
}

/** Sink snapshots kept per region (by version), and decoded ranges kept per workspace. */
const MAX_SNAPSHOTS = 8;
const MAX_RANGES = 256;

/**
 * One overlay serves every session of a process: it keeps the sink snapshots it loaded and each workspace's decoded
 * unmerged records, so a refresh reads only the sink versions committed since the last one (until the merge
 * position moves, which starts the workspace's range afresh).
 */
export function unionReadOverlay(deps: UnionReadDeps): SessionOverlay {
  const snapshots = new Map<string, Map<number, Snapshot>>();
  const ranges = new Map<string, { readonly to: number; readonly records: readonly SinkRecord[] }>();
  const remember = (region: string, snapshot: Snapshot): Snapshot => {
    const byVersion = snapshots.get(region) ?? new Map<number, Snapshot>();
    snapshots.set(region, byVersion);
    byVersion.set(snapshot.version, snapshot);
    while (byVersion.size > MAX_SNAPSHOTS) byVersion.delete(Math.min(...byVersion.keys()));
    return snapshot;
  };
  /** Unmerged records of the workspace in sink versions (from, to], from the cache plus what is new. */
  const recordsOf = async (
    context: OverlayContext,
    sink: Table,
    from: number,
    to: number,
  ): Promise<readonly SinkRecord[]> => {
    const key = `${context.region}\u0000${context.workspace}\u0000${from}`;
    const known = ranges.get(key);
    if (known !== undefined && known.to === to) return known.records;
    const start = known !== undefined && known.to < to ? known.to : from;
    const snapshotAt = async (version: number) =>
      snapshots.get(context.region)?.get(version) ??
      remember(context.region, await loadSnapshot(sink, { version }));
    const range = await readSinkRange(sink, deps.registry, start, to, {
      workspace: context.workspace,
      snapshots: snapshotAt,
    });
    const records = start === from ? range.records : [...(known?.records ?? []), ...range.records];
    // A moved merge position starts a new range: the workspace's older ones are of no use any more.
    for (const k of ranges.keys())
      if (k.startsWith(`${context.region}\u0000${context.workspace}\u0000`) && k !== key) ranges.delete(k);
    ranges.delete(key);
    ranges.set(key, { to, records });
    while (ranges.size > MAX_RANGES) ranges.delete(ranges.keys().next().value as string);
    return records;
  };
  return {
    async prepare(context) {
      const sinkPath = regionLayout.sink(context.region);
      const sink = openTable(context.store, sinkPath, context.connection, {
        cacheDir: context.cacheDir,
        scratchDir: context.scratchDir,
      });
      let head: Snapshot;
      try {
        head = remember(context.region, await loadSnapshot(sink));
      } catch (err) {
        if (err instanceof TableNotFoundError) return new Map();
        throw err;
      }
      const appId = mergeAppId(sinkPath);
      // Targets grouped by how far they merged: each group reads its own sink range once.
      const groups = new Map<number, { model: CompiledModel; snapshot: Snapshot }[]>();
      for (const entry of context.catalog.tables) {
        const model = deps.models.find((m) => m.table === entry.name);
        if (model === undefined) continue;
        const from = txnVersion(entry.snapshot, appId) ?? -1;
        if (from >= head.version) continue;
        const group = groups.get(from) ?? [];
        group.push({ model, snapshot: entry.snapshot });
        groups.set(from, group);
      }
      const overlays = new Map<string, TableOverlay>();
      for (const [from, targets] of groups) {
        const records = await recordsOf(context, sink, from, head.version);
        const byEntity = new Map<string, SinkRecord[]>();
        for (const r of records) {
          const list = byEntity.get(r.entity) ?? [];
          list.push(r);
          byEntity.set(r.entity, list);
        }
        for (const { model, snapshot } of targets) {
          const records = byEntity.get(model.entities[0] as string) ?? [];
          if (records.length === 0) continue;
          const fresh = await freshRows(context, deps, model, records);
          overlays.set(model.table, combineWith(model, snapshot, fresh));
        }
      }
      return overlays;
    },
  };
}

/** The model's output over `records` (only the session's workspace's rows), as a Parquet file of the overlay's. */
async function freshRows(
  context: OverlayContext,
  deps: UnionReadDeps,
  model: CompiledModel,
  records: readonly SinkRecord[],
): Promise<string> {
  const conn: DuckDBConnection = context.connection;
  const source = await createSourceTable(conn, deps.registry, model.entities[0] as string, { replace: true });
  try {
    await loadSourceRows(conn, source, records, { ingestedAt: new Date() });
    const out = await runModel(conn, model, source.name);
    const file = join(context.dir, `${model.table}.parquet`);
    const ws = quoteIdent(deps.workspaceColumn ?? "workspace_id");
    try {
      await conn.run(
        `COPY (SELECT * FROM ${out.table} WHERE ${ws} = ${quoteLiteral(context.workspace)}) ` +
          `TO ${quoteLiteral(file)} (FORMAT parquet)`,
      );
    } finally {
      await conn.run(`DROP TABLE IF EXISTS ${out.table}`);
    }
    return `read_parquet(${quoteLiteral(file)})`;
  } finally {
    await conn.run(`DROP TABLE IF EXISTS ${quoteIdent(source.name)}`).catch(() => undefined);
  }
}

/** How the table's writer would have applied the fresh rows, as a read: the same keys, the same LWW order. */
function combineWith(model: CompiledModel, snapshot: Snapshot, fresh: string): TableOverlay {
  const columns = snapshot.schema.fields.map((f) => quoteIdent(f.name));
  const list = columns.join(", ");
  const writer = model.writer;
  const union = (base: string) =>
    `SELECT ${list} FROM ${base} AS __fx_base UNION ALL BY NAME SELECT ${list} FROM ${fresh} AS __fx_fresh`;
  if (writer.kind === "append") return { combine: union };
  const partition = [
    ...new Set([
      ...snapshot.partitionColumns,
      ...(writer.kind === "merge" ? writer.primaryKey : writer.parentKey),
    ]),
  ].map(quoteIdent);
  const order = lwwOrder(writer.lww);
  if (writer.kind === "merge")
    return {
      combine: (base) =>
        `SELECT ${list} FROM (${union(base)}) AS __fx_u QUALIFY row_number() OVER (` +
        `PARTITION BY ${partition.join(", ")} ORDER BY ${order.join(", ")}, hash(${list}) DESC) = 1`,
    };
  // merge-exploded: every row of the winning parent version stays, one copy per child key.
  const version = [
    writer.lww.generation,
    writer.lww.version,
    writer.lww.tombstone,
    writer.lww.payloadHash,
  ].map(quoteIdent);
  const child = writer.childKey.map(quoteIdent);
  return {
    combine: (base) =>
      `SELECT ${list} FROM (SELECT *, dense_rank() OVER (PARTITION BY ${partition.join(", ")} ORDER BY ${order.join(", ")}) AS __fx_rank ` +
      `FROM (${union(base)}) AS __fx_u QUALIFY row_number() OVER (PARTITION BY ${[...partition, ...version, ...child].join(", ")} ` +
      `ORDER BY hash(${list}) DESC) = 1) AS __fx_v WHERE __fx_rank = 1`,
  };
}
