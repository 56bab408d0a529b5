// The SQL that reads a set of data files as table rows: the Parquet columns plus the partition columns put back
// from the log's partitionValues (never parsed from paths), in schema order, without the rows the files'
// deletion vectors delete (an anti-join on the Parquet row number). Pure text building.
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
  /** A local CSV of the row positions the file's deletion vector deletes (see localDeletionVectors). */
  readonly deletedRows?: string | undefined;
}

export interface ScanSqlOptions {
  /** Also return each row's file path (ScanFile.path) in a column of this name. */
  readonly fileColumn: string | undefined;
  /** Also return each row's position in its Parquet file (0-based) in a column of this name. */
  readonly rowNumberColumn: string | undefined;
}

export function scanSql(
  schema: TableSchema,
  partitionColumns: readonly string[],
  files: readonly ScanFile[],
  options: Partial<ScanSqlOptions> = {},
): string {
  const fileColumn = options.fileColumn;
  const rowNumberColumn = options.rowNumberColumn;
  if (files.length === 0) {
    const cols = schema.fields.map((f) => `CAST(NULL AS ${duckdbTypeOf(f.type)}) AS ${quoteIdent(f.name)}`);
    if (fileColumn !== undefined) cols.push(`CAST(NULL AS VARCHAR) AS ${quoteIdent(fileColumn)}`);
    if (rowNumberColumn !== undefined) cols.push(`CAST(NULL AS BIGINT) AS ${quoteIdent(rowNumberColumn)}`);
    return `SELECT ${cols.join(", ")} WHERE false`;
  }
  const paths = quoteList(files.map((f) => f.localPath));
  const deleted = files.flatMap((f) => (f.deletedRows === undefined ? [] : [f.deletedRows]));
  const rowNumbers = deleted.length > 0 || rowNumberColumn !== undefined;
  if (partitionColumns.length === 0 && fileColumn === undefined && !rowNumbers)
    return `SELECT ${schema.fields.map((f) => quoteIdent(f.name)).join(", ")} FROM read_parquet(${paths})`;
  const mapColumns = ["__fx_filename", "__fx_path", ...partitionColumns.map((_, i) => `__fx_p${i}`)];
  if (deleted.length > 0) mapColumns.push("__fx_dv");
  const values = files
    .map((f) => {
      const parts = partitionColumns.map((c) => {
        const v = f.partitionValues[c];
        return v === null || v === undefined ? "NULL" : quoteLiteral(v);
      });
      if (deleted.length > 0) parts.push(f.deletedRows === undefined ? "NULL" : quoteLiteral(f.deletedRows));
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
  if (rowNumberColumn !== undefined) select.push(`__fx_d.file_row_number AS ${quoteIdent(rowNumberColumn)}`);
  const antiJoin =
    deleted.length === 0
      ? ""
      : ` ANTI JOIN (SELECT filename AS __fx_dv, pos FROM read_csv(${quoteList(deleted)}, header = false, ` +
        `auto_detect = false, columns = {'pos': 'BIGINT'}, filename = true)) AS __fx_x ` +
        `ON __fx_x.__fx_dv = __fx_m.__fx_dv AND __fx_x.pos = __fx_d.file_row_number`;
  return (
    `SELECT ${select.join(", ")} FROM read_parquet(${paths}, filename = '__fx_filename'` +
    `${rowNumbers ? ", file_row_number = true" : ""}) AS __fx_d ` +
    `JOIN (VALUES ${values}) AS __fx_m(${mapColumns.join(", ")}) USING (__fx_filename)${antiJoin}`
  );
}
