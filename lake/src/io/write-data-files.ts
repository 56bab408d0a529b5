// Writes rows as Parquet data files of a table and uploads them; returns their `add` actions, which the caller
// commits. DuckDB writes zstd Parquet into a local scratch directory (one COPY, partitioned, RETURN_STATS for the
// stats), then each file goes to the store under a unique name via putFile (DuckDB's httpfs is never in the write
// path). Until a commit names them, the files are invisible orphans: this module never touches `_delta_log/`.
import { randomUUID } from "node:crypto";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { AddAction, PartitionValues } from "../table/actions.js";
import { encodeDataPath } from "../table/actions.js";
import { mapLimited } from "../table/read-log.js";
import type { TableSchema } from "../table/schema.js";
import { type Table, tableKey } from "../table/table.js";
import { exclusive } from "./exclusive.js";
import { type ColumnStatistics, deltaStats } from "./file-stats.js";
import { quoteIdent, quoteLiteral } from "./sql-text.js";

export interface WriteFilesOptions {
  /** A partition's rows are cut into files in the order of these columns, so each file covers a narrow key range. */
  readonly clusterBy: readonly string[];
  /** A partition's rows are split into files of at most this many rows (0 = one file per partition). */
  readonly maxRowsPerFile: number;
  /** The KMS key for a partition's files (BYOK), or undefined for the store's default. */
  readonly kmsKeyIdFor: (partitionValues: PartitionValues) => string | undefined;
  /** Uploads in flight at once. */
  readonly uploadConcurrency: number;
  /**
   * An upper bound of the rows any one partition of the source holds, when the caller knows one (the source's
   * row count is one). At or below maxRowsPerFile no partition can need a split, so the split's row_number() window (a sort of the whole write, several times
   * the cost of a small COPY) is left out: one file per partition.
   */
  readonly rowsAtMost: number | undefined;
}

export const WRITE_FILES_DEFAULTS: Readonly<WriteFilesOptions> = Object.freeze({
  clusterBy: [],
  maxRowsPerFile: 0,
  kmsKeyIdFor: () => undefined,
  uploadConcurrency: 8,
  rowsAtMost: undefined,
});

export interface WrittenFiles {
  readonly adds: readonly AddAction[];
  readonly rows: number;
  readonly bytes: number;
}

const BUCKET = "__fx_bucket";

/** Writes the rows of `sourceSql` (all schema columns, any order) as data files of the table. */
export async function writeDataFiles(
  table: Table,
  schema: TableSchema,
  partitionColumns: readonly string[],
  sourceSql: string,
  options: Partial<WriteFilesOptions> = {},
): Promise<WrittenFiles> {
  const opts = { ...WRITE_FILES_DEFAULTS, ...options };
  const scratch = join(table.options.scratchDir, `write-${randomUUID()}`);
  await mkdir(scratch, { recursive: true });
  try {
    const dataColumns = schema.fields.map((f) => f.name).filter((n) => !partitionColumns.includes(n));
    const pcols = partitionColumns.map(quoteIdent);
    const partitionBy = pcols.length > 0 ? `PARTITION BY ${pcols.join(", ")}` : "";
    const orderBy = opts.clusterBy.length > 0 ? `ORDER BY ${opts.clusterBy.map(quoteIdent).join(", ")}` : "";
    const split =
      opts.maxRowsPerFile > 0 && (opts.rowsAtMost === undefined || opts.rowsAtMost > opts.maxRowsPerFile);
    const bucket = split
      ? `(row_number() OVER (${partitionBy} ${orderBy}) - 1) // ${Math.floor(opts.maxRowsPerFile)}`
      : "0";
    // The bucket (row number in key order / file size) gives each file a disjoint key range; sorting the rows
    // inside files as well would serialize the partitioned write for little gain.
    const select =
      `SELECT ${[...dataColumns.map(quoteIdent), ...pcols].join(", ")}, ${bucket} AS ${BUCKET} ` +
      `FROM (${sourceSql}) AS __fx_source`;
    const reader = await exclusive(table.duckdb, () =>
      table.duckdb.runAndReadAll(
        `COPY (${select}) TO ${quoteLiteral(scratch)} (FORMAT parquet, COMPRESSION zstd, ` +
          `PARTITION_BY (${[...pcols, BUCKET].join(", ")}), RETURN_STATS, FILENAME_PATTERN 'part-{uuid}')`,
      ),
    );
    const written = reader.getRowObjectsJson() as unknown as readonly CopyStatsRow[];
    let rows = 0;
    let bytes = 0;
    const adds = await mapLimited(written, opts.uploadConcurrency, async (w) => {
      const partitionValues = partitionValuesOf(w.partition_keys, partitionColumns);
      const relative = `${partitionDir(partitionColumns, partitionValues)}part-${randomUUID()}.zstd.parquet`;
      const kmsKeyId = opts.kmsKeyIdFor(partitionValues);
      const info = await table.store.putFile(
        tableKey(table, relative),
        w.filename,
        kmsKeyId === undefined ? {} : { kmsKeyId },
      );
      const count = Number(w.count);
      rows += count;
      bytes += info.size;
      const add: AddAction = {
        path: encodeDataPath(relative),
        partitionValues,
        size: info.size,
        modificationTime: info.lastModified,
        dataChange: true,
        stats: deltaStats(count, w.column_statistics, schema, partitionColumns),
      };
      return add;
    });
    return { adds, rows, bytes };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

interface CopyStatsRow {
  readonly filename: string;
  readonly count: string;
  readonly column_statistics: ColumnStatistics | null;
  readonly partition_keys: readonly { key: string; value: string | null }[] | null;
}

function partitionValuesOf(
  keys: CopyStatsRow["partition_keys"],
  partitionColumns: readonly string[],
): PartitionValues {
  const byName = new Map((keys ?? []).map((kv) => [kv.key, kv.value]));
  return Object.fromEntries(partitionColumns.map((c) => [c, byName.get(c) ?? null]));
}

/** Hive-style directories: `col=value/` per partition column, escaped so any value is one safe path segment. */
export function partitionDir(partitionColumns: readonly string[], values: PartitionValues): string {
  return partitionColumns
    .map((c) => {
      const v = values[c];
      return `${escapeSegment(c)}=${v === null || v === undefined ? "__HIVE_DEFAULT_PARTITION__" : escapeSegment(v)}/`;
    })
    .join("");
}

/** Percent-encodes everything but [A-Za-z0-9_.-], so no value can make a glob, a separator or a "=". */
function escapeSegment(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
