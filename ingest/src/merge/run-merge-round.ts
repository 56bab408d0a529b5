// Step 5, one round of the merge stage: bring every target table up to sink version `to`. Per target, the records
// of sink versions (position, to] (from memory, else read from the sink) are loaded into the entity's source
// relation, the model's SQL runs over it, and its writer commits the result under the target's txns (one per Kafka
// partition merged, see merge-txns.ts; version = `to`), so a replay after a crash skips what was committed. Writers get one plan:
// a concurrent commit to the same table makes the round fail with CommitConflictError, and the caller re-reads
// positions and starts over rather than committing rows computed from a stale position. Pipelined: an entity's
// targets are written (writeConcurrency lanes) while the next entity is loaded and transformed; records rejected
// for an entity are dead-lettered before any of its targets commits.
import type { Table, Txns, WriteResult } from "@facsimile/lake";
import { writeBatch } from "@facsimile/lake";
import type { SchemaRegistry } from "@facsimile/schemas";
import { type CompiledModel, createSourceTable, loadSourceRows } from "@facsimile/transforms";
import type { DeadLetterReason } from "../errors.js";
import { runModel } from "./run-model.js";
import type { SinkRecord } from "./sink-record.js";
import { writeLanes } from "./write-lanes.js";

export interface MergeTarget {
  readonly model: CompiledModel;
  /** The target table, on a connection of the merge stage's DuckDB instance (its own: writes run in parallel). */
  readonly table: Table;
}

/** A target's position: the sink version its txn records, and how far it is known to have nothing to do. */
export interface TargetPosition {
  readonly txn: number;
  readonly caughtUp: number;
}

export interface MergeRejection {
  readonly record: SinkRecord;
  readonly reason: DeadLetterReason;
  readonly detail: string;
}

export interface MergeRoundDeps {
  /** The sink, on the merge stage's connection. */
  readonly sink: Table;
  readonly registry: SchemaRegistry;
  readonly targets: readonly MergeTarget[];
  /** The txns a commit of the round up to sink version `to` records on a target (see merge-txns.ts). */
  readonly txnsAt: (to: number) => Txns;
  /** Records of sink versions (from, to]: the cache, else the sink. */
  readonly recordsOf: (
    from: number,
    to: number,
  ) => Promise<{ records: readonly SinkRecord[]; rejected: readonly MergeRejection[] }>;
  /** Dead-letters records before the targets commit. */
  readonly deadLetter: (rejections: readonly MergeRejection[]) => Promise<void>;
  readonly clock: () => number;
}

export interface MergeRoundOptions {
  /** A target without records in the round still commits its txn when it lags this many sink versions. */
  readonly idleAdvanceVersions: number;
  /** Target writes in flight at once (targets on separate connections run in parallel). */
  readonly writeConcurrency: number;
}

export interface MergeRoundResult {
  readonly positions: ReadonlyMap<string, TargetPosition>;
  /** Distinct records the round merged (for freshness and throughput). */
  readonly records: readonly SinkRecord[];
  readonly writes: readonly { readonly table: string; readonly result: WriteResult; readonly ms: number }[];
  /** Milliseconds spent loading source relations and running the models (before any write). */
  readonly transformMs: number;
  readonly rejected: number;
}

const keyOf = (r: { kafkaPartition: number; kafkaOffset: bigint }): string =>
  `${r.kafkaPartition}:${r.kafkaOffset}`;

export async function runMergeRound(
  deps: MergeRoundDeps,
  positions: ReadonlyMap<string, TargetPosition>,
  to: number,
  options: MergeRoundOptions,
): Promise<MergeRoundResult> {
  const next = new Map(positions);
  // By identity: a round's targets share the record objects of one read (records are told apart by their Kafka
  // coordinates only when several reads could hold the same record, see below).
  const merged = new Set<SinkRecord>();
  const writes: { table: string; result: WriteResult; ms: number }[] = [];
  let transformMs = 0;
  let rejectedCount = 0;
  const conn = deps.sink.duckdb;
  const groups = new Map<number, MergeTarget[]>();
  for (const t of deps.targets) {
    const p = positions.get(t.model.table) ?? { txn: -1, caughtUp: -1 };
    const from = Math.max(p.txn, p.caughtUp);
    if (from >= to) continue;
    const group = groups.get(from);
    if (group === undefined) groups.set(from, [t]);
    else group.push(t);
  }
  for (const [from, targets] of [...groups].sort(([a], [b]) => a - b)) {
    const { records, rejected } = await deps.recordsOf(from, to);
    const byEntity = new Map<string, SinkRecord[]>();
    for (const r of records) {
      const list = byEntity.get(r.entity);
      if (list === undefined) byEntity.set(r.entity, [r]);
      else list.push(r);
    }
    // Undecodable sink rows are dead-lettered before any target of the round commits.
    if (rejected.length > 0) await deps.deadLetter(rejected);
    rejectedCount += rejected.length;
    const temps: string[] = [];
    // Pipelined: an entity's outputs go to the write lanes as soon as its models ran (and its rejections were
    // dead-lettered), so the next entity's source load and models run while those targets are written.
    const writes$ = writeLanes(options.writeConcurrency, async (o: Output) => {
      const writeStart = performance.now();
      const result = await writeBatch(
        o.target.table,
        o.target.model.writer,
        { table: o.table },
        deps.txnsAt(to),
        { maxPlans: 1 },
      );
      writes.push({ table: o.target.model.table, result, ms: Math.round(performance.now() - writeStart) });
      next.set(o.target.model.table, { txn: to, caughtUp: to });
      for (const r of o.records) merged.add(r);
    });
    let failure: unknown;
    try {
      for (const entity of new Set(targets.map((t) => t.model.entities[0] as string))) {
        if (writes$.failed()) break;
        const transformStart = performance.now();
        const mine = targets.filter((t) => t.model.entities[0] === entity);
        let entityRecords = byEntity.get(entity) ?? [];
        const lagging = mine.filter(
          (t) => to - (positions.get(t.model.table)?.txn ?? -1) >= options.idleAdvanceVersions,
        );
        if (entityRecords.length === 0 && lagging.length === 0) {
          for (const t of mine) next.set(t.model.table, { ...position(positions, t), caughtUp: to });
          continue;
        }
        const rejections: MergeRejection[] = [];
        const outputs: Output[] = [];
        const source = await createSourceTable(conn, deps.registry, entity);
        temps.push(source.name);
        const load = await loadSourceRows(conn, source, entityRecords, {
          ingestedAt: new Date(deps.clock()),
        });
        if (load.rejected.length > 0) {
          const bad = new Set(load.rejected.map((r) => r.index));
          for (const r of load.rejected)
            rejections.push({
              record: entityRecords[r.index] as SinkRecord,
              reason: "TRANSFORM_FAILED",
              detail: r.error.message,
            });
          entityRecords = entityRecords.filter((_, i) => !bad.has(i));
        }
        let byKey: Map<string, SinkRecord> | undefined;
        const failed = new Set<string>();
        for (const t of entityRecords.length === 0 ? lagging : mine) {
          const out = await runModel(conn, t.model, source.name);
          temps.push(out.table);
          for (const f of out.failed) {
            const key = keyOf(f);
            byKey ??= new Map(entityRecords.map((r) => [keyOf(r), r]));
            const record = byKey.get(key);
            failed.add(key);
            if (record !== undefined)
              rejections.push({
                record,
                reason: "TRANSFORM_FAILED",
                detail: `model ${t.model.name}: ${f.error.message}`,
              });
          }
          outputs.push({ target: t, table: out.table, records: entityRecords });
        }
        // A record a model failed on is out of every later model of its entity too (it left the source).
        for (const o of outputs)
          if (failed.size > 0) o.records = o.records.filter((r) => !failed.has(keyOf(r)));
        for (const t of mine)
          if (!outputs.some((o) => o.target === t))
            next.set(t.model.table, { ...position(positions, t), caughtUp: to });
        transformMs += performance.now() - transformStart;
        // The entity's rejections are dead-lettered before any of its targets commits.
        if (rejections.length > 0) await deps.deadLetter(rejections);
        rejectedCount += rejections.length;
        for (const o of outputs) writes$.push(o);
      }
    } catch (err) {
      failure = err;
    } finally {
      // The lanes read the model outputs: they finish before the temps go.
      const writeFailure = await writes$.close();
      failure ??= writeFailure;
      for (const t of temps) await conn.run(`DROP TABLE IF EXISTS ${t}`).catch(() => undefined);
    }
    if (failure !== undefined) throw failure;
  }
  // Targets at different positions read overlapping ranges, possibly as separate objects of one record.
  const records =
    groups.size > 1 ? [...new Map([...merged].map((r) => [keyOf(r), r])).values()] : [...merged];
  return { positions: next, records, writes, rejected: rejectedCount, transformMs };
}

interface Output {
  readonly target: MergeTarget;
  readonly table: string;
  records: SinkRecord[];
}

function position(positions: ReadonlyMap<string, TargetPosition>, t: MergeTarget): TargetPosition {
  return positions.get(t.model.table) ?? { txn: -1, caughtUp: -1 };
}
