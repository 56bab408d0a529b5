// The SQL that reads a set of data files as table rows: the Parquet columns plus the partition columns put back
// from the log's partitionValues (never parsed from paths), in schema order. Pure text building.
import type { PartitionValues } from "../table/actions.js";
import { duckdbTypeOf } from "../table/duckdb-types.js";
import type { TableSchema } from "../table/schema.js";
import { quoteIdent, quoteList, quoteLiteral } from "./sql-text.js";

export interface ScanFile {
  /** Where DuckDB reads the file. */
  readonly localPath: string;
  readonly partitionValues: PartitionValues;
  /** The file's decoded path relative to the table root: its identity in the snapshot. */
  readonly path: string;
}

export interface ScanSqlOptions {
  /** Also return each row's file path (ScanFile.path) in a column of this name. */
  readonly fileColumn: string | undefined;
}

export function scanSql(
  schema: TableSchema,
  partitionColumns: readonly string[],
  files: readonly ScanFile[],
  options: Partial<ScanSqlOptions> = {},
): string {
  const fileColumn = options.fileColumn;
  if (files.length === 0) {
    const cols = schema.fields.map((f) => `CAST(NULL AS ${duckdbTypeOf(f.type)}) AS ${quoteIdent(f.name)}`);
    if (fileColumn !== undefined) cols.push(`CAST(NULL AS VARCHAR) AS ${quoteIdent(fileColumn)}`);
    return `SELECT ${cols.join(", ")} WHERE false`;
  }
  const paths = quoteList(files.map((f) => f.localPath));
  if (partitionColumns.length === 0 && fileColumn === undefined)
    return `SELECT ${schema.fields.map((f) => quoteIdent(f.name)).join(", ")} FROM read_parquet(${paths})`;
  const mapColumns = ["__fx_filename", "__fx_path", ...partitionColumns.map((_, i) => `__fx_p${i}`)];
  const values = files
    .map((f) => {
      const parts = partitionColumns.map((c) => {
        const v = f.partitionValues[c];
        return v === null || v === undefined ? "NULL" : quoteLiteral(v);
      });
      return `(${[quoteLiteral(f.localPath), quoteLiteral(f.path), ...parts].join(", ")})`;
    })
    .join(", ");
  const select = schema.fields.map((f) => {
    const p = partitionColumns.indexOf(f.name);
    return p < 0
      ? `__fx_d.${quoteIdent(f.name)}`
      : `CAST(__fx_m.__fx_p${p} AS ${duckdbTypeOf(f.type)}) AS ${quoteIdent(f.name)}`;
  });
  if (fileColumn !== undefined) select.push(`__fx_m.__fx_path AS ${quoteIdent(fileColumn)}`);
  return (
    `SELECT ${select.join(", ")} FROM read_parquet(${paths}, filename = '__fx_filename') AS __fx_d ` +
    `JOIN (VALUES ${values}) AS __fx_m(${mapColumns.join(", ")}) USING (__fx_filename)`
  );
}
