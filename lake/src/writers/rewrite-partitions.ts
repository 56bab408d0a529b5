// The merge of the touched partitions, shared by Merge and MergeExploded: read the files whose key bounds can
// hold a batch key, rank the batch's rows against theirs with the writer's keep rule, and write the winning batch
// rows. A file that loses rows is rewritten without them (copy-on-write) or, on a table with deletion vectors and
// when it loses few, keeps its bytes and gets a deletion vector (see plan-deletion-vectors.ts). The result is a
// plan (removes + adds) for commit(); files that keep all their rows are left alone.
import { exclusive } from "../io/exclusive.js";
import { numRecordsOf } from "../io/file-stats.js";
import { scanFiles } from "../io/scan-files.js";
import { quoteIdent, tempName } from "../io/sql-text.js";
import { writeDataFiles } from "../io/write-data-files.js";
import { type Action, decodeDataPath, removeOf } from "../table/actions.js";
import type { Snapshot } from "../table/snapshot.js";
import type { Table } from "../table/table.js";
import { dropTemp } from "./batch-source.js";
import { filesToFold } from "./fold-small-files.js";
import { deletionVectorActions, planDeletionVectors } from "./plan-deletion-vectors.js";
import { batchPartitions, candidateFiles } from "./prune-files.js";
import { addedKeys, type WritePlan } from "./run-write.js";
import type { MergeConfig, MergeExplodedConfig } from "./writer-config.js";

export const MERGE_MAX_ROWS_PER_FILE = 1_000_000;

/** Column names the rewrite adds to the union of batch and table rows. */
export const SRC = "__fx_src";
export const FILE = "__fx_file";
export const KEEP = "__fx_keep";
/** A row's position: in its file for table rows, the batch table's rowid for batch rows. */
export const ROW = "__fx_row";
/** hash() of the whole row (all schema columns), for the keep rule's last tie-break. */
export const HASH = "__fx_hash";

export interface RewriteSpec {
  readonly operation: string;
  /** Columns whose statistics decide which files can hold a batch key. */
  readonly keyColumns: readonly string[];
  /** Columns the keep rule reads besides the partition and key columns (the LWW columns). */
  readonly rankColumns: readonly string[];
  /** keepSql reads `union` once: it is then given as a subquery instead of a materialized table. */
  readonly readsUnionOnce: boolean;
  /** Sort order of rewritten files. */
  readonly clusterBy: readonly string[];
  /**
   * SQL over `union` (the partition, key and rank columns + HASH + SRC: 1 batch / 0 table, + FILE: the row's
   * file, NULL for batch rows, + ROW) returning the same columns plus KEEP: whether the row is in the table
   * after the merge. Only these narrow rows are ranked; whole rows are read again only to be written.
   */
  readonly keepSql: (union: string) => string;
}

/** Plans the rewrite of `batch` (a deduplicated temp table in schema columns, from `rowsInBatch` rows). */
export async function planRewrite(
  table: Table,
  snapshot: Snapshot,
  batch: string,
  rowsInBatch: number,
  config: MergeConfig | MergeExplodedConfig,
  spec: RewriteSpec,
): Promise<WritePlan> {
  return exclusive(table.duckdb, async () => {
    const conn = table.duckdb;
    const pcols = snapshot.partitionColumns;
    const partitions = await batchPartitions(table, snapshot, batch);
    const byKey = await candidateFiles(table, snapshot, partitions, batch, spec.keyColumns);
    // Small files of crowded partitions are read and rewritten too, whether or not they lose a row.
    const fold = filesToFold(snapshot, partitions, config);
    const seen = new Set(byKey.map((a) => a.path));
    const candidates = [...byKey, ...fold.filter((a) => !seen.has(a.path))];
    const { sql: existing } = await scanFiles(table, snapshot, candidates, {
      fileColumn: FILE,
      rowNumberColumn: ROW,
    });
    const columns = snapshot.schema.fields.map((f) => quoteIdent(f.name)).join(", ");
    const narrow = [...new Set([...pcols, ...spec.keyColumns, ...spec.rankColumns])]
      .map(quoteIdent)
      .join(", ");
    const union = tempName("union");
    const ranked = tempName("ranked");
    const losing = tempName("losing");
    try {
      const unionSql =
        `SELECT ${narrow}, hash(${columns}) AS ${HASH}, 1 AS ${SRC}, ` +
        `CAST(NULL AS VARCHAR) AS ${FILE}, rowid AS ${ROW} FROM ${batch} ` +
        `UNION ALL SELECT ${narrow}, hash(${columns}), 0 AS ${SRC}, ${FILE}, ${ROW} FROM (${existing}) AS __fx_existing`;
      // A keep rule that reads the union once ranks it as a subquery; others get it materialized.
      if (spec.readsUnionOnce)
        await conn.run(`CREATE TEMP TABLE ${ranked} AS ${spec.keepSql(`(${unionSql})`)}`);
      else {
        await conn.run(`CREATE TEMP TABLE ${union} AS ${unionSql}`);
        await conn.run(`CREATE TEMP TABLE ${ranked} AS ${spec.keepSql(union)}`);
      }
      await conn.run(
        `CREATE TEMP TABLE ${losing} AS SELECT ${FILE}, ${ROW} FROM ${ranked} WHERE ${SRC} = 0 AND NOT ${KEEP}`,
      );
      const losers = await conn.runAndReadAll(
        `SELECT ${FILE}, to_json(list(${ROW} ORDER BY ${ROW}))::VARCHAR FROM ${losing} GROUP BY ${FILE}`,
      );
      const { rewrite, mark } = await planDeletionVectors(
        table,
        snapshot,
        candidates,
        new Map(losers.getRows().map(([f, rows]) => [String(f), JSON.parse(String(rows)) as number[]])),
        new Set(fold.map((a) => decodeDataPath(a.path))),
        config,
      );
      const rewritten = candidates.filter((a) => rewrite.has(decodeDataPath(a.path)));
      const kept = await conn.runAndReadAll(
        `SELECT count(*)::BIGINT FROM ${ranked} WHERE ${SRC} = 1 AND ${KEEP}`,
      );
      const batchRowsKept = Number(kept.getRows()[0]?.[0] ?? 0);
      // An upper bound of the rows written per partition, from the batch and the rewritten files' statistics:
      // when no partition can exceed a file, the writer leaves out its file-splitting window.
      const perPartition = new Map<string, number>();
      const keptByPartition = await conn.runAndReadAll(
        `SELECT ${pcols.length > 0 ? `to_json([${pcols.map((c) => `CAST(${quoteIdent(c)} AS VARCHAR)`).join(", ")}])::VARCHAR` : "'[]'"} AS __fx_part, ` +
          `count(*)::DOUBLE FROM ${ranked} WHERE ${SRC} = 1 AND ${KEEP} GROUP BY __fx_part`,
      );
      for (const [p, n] of keptByPartition.getRows()) perPartition.set(String(p), Number(n));
      for (const a of rewritten) {
        const p = JSON.stringify(pcols.map((c) => a.partitionValues[c] ?? null));
        perPartition.set(p, (perPartition.get(p) ?? 0) + (numRecordsOf(a) ?? Number.POSITIVE_INFINITY));
      }
      const rowsAtMost = Math.max(0, ...perPartition.values());
      const rewrittenRows =
        rewritten.length === 0
          ? ""
          : ` UNION ALL SELECT ${columns} FROM (${
              (await scanFiles(table, snapshot, rewritten, { fileColumn: FILE, rowNumberColumn: ROW })).sql
            }) AS __fx_e ANTI JOIN ${losing} AS __fx_l ON __fx_e.${FILE} = __fx_l.${FILE} AND __fx_e.${ROW} = __fx_l.${ROW}`;
      const now = Date.now();
      const marked = await deletionVectorActions(table, candidates, mark, now);
      const actions: Action[] = [...marked.actions];
      let rowsWritten = 0;
      if (rewrite.size > 0 || batchRowsKept > 0) {
        const written = await writeDataFiles(
          table,
          snapshot.schema,
          pcols,
          `SELECT ${columns} FROM ${batch} WHERE rowid IN (SELECT ${ROW} FROM ${ranked} WHERE ${SRC} = 1 AND ${KEEP})` +
            rewrittenRows,
          {
            clusterBy: spec.clusterBy,
            maxRowsPerFile: config.maxRowsPerFile ?? MERGE_MAX_ROWS_PER_FILE,
            ...(Number.isFinite(rowsAtMost) ? { rowsAtMost } : {}),
            ...(config.kmsKeyIdFor === undefined ? {} : { kmsKeyIdFor: config.kmsKeyIdFor }),
          },
        );
        rowsWritten = written.rows;
        for (const a of rewritten) actions.push({ remove: removeOf(a, now) });
        for (const add of written.adds) actions.push({ add });
      }
      return {
        actions,
        read: { partitions },
        operation: spec.operation,
        operationParameters: {
          predicate: `merge on ${JSON.stringify(spec.keyColumns)}`,
          partitionsTouched: partitions.length,
          filesRead: candidates.length,
          filesFolded: fold.length,
          filesRewritten: rewrite.size,
          filesWithNewDeletionVectors: mark.size,
        },
        disposable: addedKeys(table, actions),
        rowsInBatch,
        rowsWritten,
      };
    } finally {
      await dropTemp(table, union, ranked, losing);
    }
  });
}
