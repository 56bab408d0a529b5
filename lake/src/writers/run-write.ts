// The loop every writer shares: skip a batch whose txns are all committed already (one only partly committed is
// refused, see committed-txns.ts), create the table on first write, check the batch against the schema, plan
// against the latest snapshot, commit (with every txn in the one commit), and on a CommitConflictError drop the
// plan's files and plan again from the new snapshot. Nothing is committed for a batch that fails a check.
// Writers only reach `_delta_log/` through commit().
import {
  CommitConflictError,
  InvalidTableConfigError,
  SchemaMismatchError,
  TableNotFoundError,
  UnsupportedProtocolError,
} from "../errors.js";
import { exclusive } from "../io/exclusive.js";
import { type Action, decodeDataPath } from "../table/actions.js";
import { commit } from "../table/commit.js";
import type { ReadSet } from "../table/conflict.js";
import { createTable } from "../table/create-table.js";
import { enableDeletionVectors } from "../table/deletion-vectors/enable-deletion-vectors.js";
import { deletionVectorKey } from "../table/deletion-vectors/read-deletion-vector.js";
import { unsupportedWriterFeatures } from "../table/deletion-vectors/table-features.js";
import { schemaOfColumns } from "../table/duckdb-types.js";
import { loadSnapshot } from "../table/load-snapshot.js";
import { checkTableDefinition, schemaDifferences } from "../table/schema.js";
import type { Snapshot } from "../table/snapshot.js";
import { type Table, tableKey } from "../table/table.js";
import { type BatchSource, dropTemp, type MaterializedBatch, materializeBatch } from "./batch-source.js";
import { committedTxns } from "./committed-txns.js";
import { checkTxns, type Txn, type Txns, type WriterConfig } from "./writer-config.js";

export interface WriteOptions {
  /** Plans tried before a CommitConflictError is passed on (each after a logical conflict). */
  readonly maxPlans: number;
}

export const WRITE_DEFAULTS: Readonly<WriteOptions> = Object.freeze({ maxPlans: 20 });

export interface WriteResult {
  /** "skipped": every txn (appId, version) was already committed; nothing was written. */
  readonly status: "committed" | "skipped";
  /** The version committed, or the table's version when skipped. */
  readonly version: number;
  /** Plans made (1 unless another writer's commit conflicted with ours). */
  readonly plans: number;
  readonly rowsInBatch: number;
  readonly rowsWritten: number;
  readonly filesAdded: number;
  readonly filesRemoved: number;
  readonly bytesAdded: number;
  readonly bytesRemoved: number;
  readonly checkpoint?: number;
  /** The commit stands but the checkpoint after it failed (the next one will cover it); for logs and metrics. */
  readonly checkpointError?: unknown;
}

/** What a writer decided for one snapshot. */
export interface WritePlan {
  readonly actions: readonly Action[];
  readonly read: ReadSet;
  readonly operation: string;
  readonly operationParameters: Readonly<Record<string, unknown>>;
  /** Store keys of data files this plan uploaded that a conflict makes useless (deleted then). */
  readonly disposable: readonly string[];
  readonly rowsInBatch: number;
  readonly rowsWritten: number;
}

/** The table's shape a batch is prepared for (the table may not exist yet: then it is the batch's). */
export type TableLayout = Pick<Snapshot, "schema" | "partitionColumns">;

/** The writer-specific part: prepare once per batch, plan once per snapshot. */
export interface WriterSteps {
  /** Whether the writer reads the batch more than once (see MaterializeOptions). */
  readonly readsBatchTwice: boolean;
  /**
   * Checks the configuration and the batch, and reshapes it (dedupe), before anything is committed (the table is
   * created after it); returns the temp tables it made, for cleanup.
   */
  prepare(table: Table, layout: TableLayout, batch: MaterializedBatch): Promise<readonly string[]>;
  plan(table: Table, snapshot: Snapshot, batch: MaterializedBatch): Promise<WritePlan>;
}

export async function runWrite(
  table: Table,
  config: WriterConfig,
  source: BatchSource,
  /** One txn, or several: all are recorded in the one commit. */
  txns: Txns,
  steps: WriterSteps,
  options: Partial<WriteOptions> = {},
): Promise<WriteResult> {
  const { maxPlans } = { ...WRITE_DEFAULTS, ...options };
  const txnsOfWrite = checkTxns(table.url, txns);
  return exclusive(table.duckdb, async () => {
    let snapshot = await loadSnapshot(table).catch((err: unknown) => {
      if (err instanceof TableNotFoundError) return undefined;
      throw err;
    });
    if (snapshot !== undefined && committedTxns(table.url, snapshot, txnsOfWrite) === "all")
      return skipped(snapshot.version, 0, 0);
    const batch = await materializeBatch(table, source, snapshot?.schema, { stable: steps.readsBatchTwice });
    const temps: string[] = [];
    let rowsInBatch = 0;
    try {
      const batchSchema = schemaOfColumns(batch.columnNames, batch.columnTypes);
      const layout: TableLayout = snapshot ?? {
        schema: batchSchema,
        partitionColumns: config.partitionColumns ?? [],
      };
      if (snapshot === undefined) checkTableDefinition(table.url, layout.schema, layout.partitionColumns);
      else {
        checkWritable(table, snapshot, config);
        const differences = schemaDifferences(snapshot.schema, batchSchema);
        if (differences.length > 0) throw new SchemaMismatchError(table.url, differences);
      }
      temps.push(...(await steps.prepare(table, layout, batch)));
      // Created only now, so that a batch or configuration refused above leaves no table behind.
      snapshot ??= await createTable(table, { ...layout, deletionVectors: config.deletionVectors === true });
      checkWritable(table, snapshot, config);
      if (config.deletionVectors === true) snapshot = await enableDeletionVectors(table, snapshot);
      let lastConflict: CommitConflictError | undefined;
      // The files of a plan whose commit failed: never in the log, deleted when no later plan reuses them.
      let uncommitted: readonly string[] = [];
      const discard = async (): Promise<void> => {
        for (const key of uncommitted) await table.store.delete(key).catch(() => undefined);
      };
      for (let planNo = 1; planNo <= maxPlans; planNo++) {
        if (planNo > 1) {
          snapshot = await loadSnapshot(table);
          let state: "all" | "none";
          try {
            state = committedTxns(table.url, snapshot, txnsOfWrite);
          } catch (err) {
            await discard();
            throw err;
          }
          if (state === "all") {
            await discard();
            return skipped(snapshot.version, planNo, rowsInBatch);
          }
        }
        const plan = await steps.plan(table, snapshot, batch);
        rowsInBatch = plan.rowsInBatch;
        const now = Date.now();
        const actions: Action[] = [
          ...plan.actions,
          ...txnsOfWrite.map((t) => ({ txn: { appId: t.appId, version: t.version, lastUpdated: now } })),
        ];
        try {
          const result = await commit(table, snapshot.version, actions, {
            operation: plan.operation,
            operationParameters: plan.operationParameters,
            read: plan.read,
            partitionColumns: snapshot.partitionColumns,
            info: { ...txnInfo(txnsOfWrite), writer: config.kind },
          });
          return {
            ...summarize(result.version, planNo, plan, result.checkpoint),
            ...(result.checkpointError === undefined ? {} : { checkpointError: result.checkpointError }),
          };
        } catch (err) {
          if (!(err instanceof CommitConflictError)) throw err;
          lastConflict = err;
          for (const key of plan.disposable) await table.store.delete(key).catch(() => undefined);
          uncommitted = addedKeys(table, plan.actions);
        }
      }
      await discard();
      throw lastConflict ?? new CommitConflictError(table.url, "attempts-exhausted", "no plan was made");
    } finally {
      await dropTemp(table, ...temps);
      await batch.drop();
    }
  });
}

/** commitInfo fields naming the txns: the single-txn shape as before, a list when there are several. */
function txnInfo(txns: readonly Txn[]): Record<string, unknown> {
  const [only] = txns;
  if (txns.length === 1 && only !== undefined) return { txnAppId: only.appId, txnVersion: only.version };
  return { txns: txns.map((t) => ({ appId: t.appId, version: t.version })) };
}

function checkWritable(table: Table, snapshot: Snapshot, config: WriterConfig): void {
  const unsupported = unsupportedWriterFeatures(snapshot.protocol);
  if (unsupported.length > 0)
    throw new UnsupportedProtocolError(table.url, `writer features ${unsupported.join(", ")}`);
  const wanted = config.partitionColumns;
  if (wanted !== undefined && JSON.stringify(wanted) !== JSON.stringify(snapshot.partitionColumns))
    throw new InvalidTableConfigError(
      table.url,
      `the writer is configured with partition columns ${JSON.stringify(wanted)}, the table has ${JSON.stringify(snapshot.partitionColumns)}`,
    );
}

function skipped(version: number, plans: number, rowsInBatch: number): WriteResult {
  return {
    status: "skipped",
    version,
    plans,
    rowsInBatch,
    rowsWritten: 0,
    filesAdded: 0,
    filesRemoved: 0,
    bytesAdded: 0,
    bytesRemoved: 0,
  };
}

function summarize(
  version: number,
  plans: number,
  plan: WritePlan,
  checkpoint: number | undefined,
): WriteResult {
  let filesAdded = 0;
  let filesRemoved = 0;
  let bytesAdded = 0;
  let bytesRemoved = 0;
  for (const a of plan.actions) {
    if ("add" in a) {
      filesAdded++;
      bytesAdded += a.add.size;
    } else if ("remove" in a) {
      filesRemoved++;
      bytesRemoved += a.remove.size ?? 0;
    }
  }
  return {
    status: "committed",
    version,
    plans,
    rowsInBatch: plan.rowsInBatch,
    rowsWritten: plan.rowsWritten,
    filesAdded,
    filesRemoved,
    bytesAdded,
    bytesRemoved,
    ...(checkpoint === undefined ? {} : { checkpoint }),
  };
}

/**
 * Store keys of the files a plan added (to delete them when the plan is thrown away): its new data files, and the
 * deletion-vector files of its adds with a DV (their data files are older than the plan and stay).
 */
export function addedKeys(table: Table, actions: readonly Action[]): string[] {
  const keys = new Set<string>();
  for (const a of actions) {
    if (!("add" in a)) continue;
    const dv = a.add.deletionVector;
    if (dv === undefined || dv === null) keys.add(tableKey(table, decodeDataPath(a.add.path)));
    else {
      const key = deletionVectorKey(table, dv);
      if (key !== undefined) keys.add(key);
    }
  }
  return [...keys];
}
