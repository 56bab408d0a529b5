// SQL reading some live files of a snapshot as table rows, with their deletion vectors applied: remote files are
// copied to the local cache, DVs become local position lists, and scanSql writes the SELECT. Read-only.
import { type AddAction, decodeDataPath } from "../table/actions.js";
import type { Snapshot } from "../table/snapshot.js";
import { type Table, tableKey } from "../table/table.js";
import { localDeletionVectors } from "./local-deletion-vectors.js";
import { localFiles } from "./local-files.js";
import { type ScanFile, type ScanSqlOptions, scanSql } from "./scan-sql.js";

export interface FilesScan {
  readonly files: readonly ScanFile[];
  readonly sql: string;
}

export async function scanFiles(
  table: Table,
  snapshot: Pick<Snapshot, "schema" | "partitionColumns">,
  adds: readonly AddAction[],
  options: Partial<ScanSqlOptions> = {},
): Promise<FilesScan> {
  const paths = adds.map((a) => decodeDataPath(a.path));
  const local = await localFiles(
    table,
    paths.map((p) => tableKey(table, p)),
  );
  const deleted = await localDeletionVectors(table, adds);
  const files: ScanFile[] = adds.map((a, i) => ({
    localPath: local[i] as string,
    partitionValues: a.partitionValues,
    path: paths[i] as string,
    deletedRows: deleted[i],
  }));
  return { files, sql: scanSql(snapshot.schema, snapshot.partitionColumns, files, options) };
}
