// Copy-on-write of the touched partitions, shared by Merge and MergeExploded: read the files whose key bounds
// can hold a batch key, rank the batch's rows against theirs with the writer's keep rule, rewrite only the files
// that lose a row, and write the winning batch rows. The result is a plan (removes + adds) for commit(); files
// that keep all their rows are left alone.
import { exclusive } from "../io/exclusive.js";
import { numRecordsOf } from "../io/file-stats.js";
import { localFiles } from "../io/local-files.js";
import { scanSql } from "../io/scan-sql.js";
import { quoteIdent, quoteLiteral, tempName } from "../io/sql-text.js";
import { writeDataFiles } from "../io/write-data-files.js";
import { type Action, decodeDataPath, removeOf } from "../table/actions.js";
import type { Snapshot } from "../table/snapshot.js";
import { type Table, tableKey } from "../table/table.js";
import { dropTemp } from "./batch-source.js";
import { filesToFold } from "./fold-small-files.js";
import { batchPartitions, candidateFiles } from "./prune-files.js";
import { addedKeys, type WritePlan } from "./run-write.js";
import { isAppendOnly } from "./table-rules.js";
import type { MergeConfig, MergeExplodedConfig } from "./writer-config.js";

export const MERGE_MAX_ROWS_PER_FILE = 1_000_000;

/** Column names the rewrite adds to the union of batch and table rows. */
export const SRC = "__fx_src";
export const FILE = "__fx_file";
export const KEEP = "__fx_keep";

export interface RewriteSpec {
  readonly operation: string;
  /** Columns whose statistics decide which files can hold a batch key. */
  readonly keyColumns: readonly string[];
  /** Sort order of rewritten files. */
  readonly clusterBy: readonly string[];
  /**
   * SQL over `union` (all table columns + SRC: 1 batch / 0 table, + FILE: the row's file, NULL for batch rows)
   * returning the same columns plus KEEP: whether the row is in the table after the merge.
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
    const fold = isAppendOnly(snapshot) ? [] : filesToFold(snapshot, partitions, config);
    const seen = new Set(byKey.map((a) => a.path));
    const candidates = [...byKey, ...fold.filter((a) => !seen.has(a.path))];
    const paths = candidates.map((a) => decodeDataPath(a.path));
    const local = await localFiles(
      table,
      paths.map((p) => tableKey(table, p)),
    );
    const existing = scanSql(
      snapshot.schema,
      pcols,
      candidates.map((a, i) => ({
        localPath: local[i] as string,
        partitionValues: a.partitionValues,
        path: paths[i] as string,
      })),
      { fileColumn: FILE },
    );
    const columns = snapshot.schema.fields.map((f) => quoteIdent(f.name)).join(", ");
    const union = tempName("union");
    const ranked = tempName("ranked");
    try {
      await conn.run(
        `CREATE TEMP TABLE ${union} AS SELECT ${columns}, 1 AS ${SRC}, CAST(NULL AS VARCHAR) AS ${FILE} FROM ${batch} ` +
          `UNION ALL SELECT ${columns}, 0 AS ${SRC}, ${FILE} FROM (${existing}) AS __fx_existing`,
      );
      await conn.run(`CREATE TEMP TABLE ${ranked} AS ${spec.keepSql(union)}`);
      const losers = await conn.runAndReadAll(
        `SELECT DISTINCT ${FILE} FROM ${ranked} WHERE ${SRC} = 0 AND NOT ${KEEP}`,
      );
      const rewrite = new Set(losers.getRows().map(([f]) => String(f)));
      for (const a of fold) rewrite.add(decodeDataPath(a.path));
      const rewriteList = [...rewrite].map(quoteLiteral).join(", ");
      const fromFiles = rewrite.size > 0 ? ` OR ${FILE} IN (${rewriteList})` : "";
      const kept = await conn.runAndReadAll(
        `SELECT count(*)::BIGINT FROM ${ranked} WHERE ${SRC} = 1 AND ${KEEP}`,
      );
      const batchRowsKept = Number(kept.getRows()[0]?.[0] ?? 0);
      // An upper bound of the rows written, from the rewritten files' statistics (no second pass over the rows).
      let rowsToWrite = batchRowsKept;
      for (const a of candidates)
        if (rewrite.has(decodeDataPath(a.path))) rowsToWrite += numRecordsOf(a) ?? Number.POSITIVE_INFINITY;
      const actions: Action[] = [];
      let rowsWritten = 0;
      if (rewrite.size > 0 || batchRowsKept > 0) {
        const written = await writeDataFiles(
          table,
          snapshot.schema,
          pcols,
          `SELECT ${columns} FROM ${ranked} WHERE ${KEEP} AND (${SRC} = 1${fromFiles})`,
          {
            clusterBy: spec.clusterBy,
            maxRowsPerFile: config.maxRowsPerFile ?? MERGE_MAX_ROWS_PER_FILE,
            ...(Number.isFinite(rowsToWrite) ? { rowsAtMost: rowsToWrite } : {}),
            ...(config.kmsKeyIdFor === undefined ? {} : { kmsKeyIdFor: config.kmsKeyIdFor }),
          },
        );
        rowsWritten = written.rows;
        const now = Date.now();
        for (const a of candidates)
          if (rewrite.has(decodeDataPath(a.path))) actions.push({ remove: removeOf(a, now) });
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
        },
        disposable: addedKeys(table, actions),
        rowsInBatch,
        rowsWritten,
      };
    } finally {
      await dropTemp(table, union, ranked);
    }
  });
}
