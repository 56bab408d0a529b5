// Rewrites a set of live files of one snapshot into new files (optionally without the rows a predicate selects),
// the step optimize, purge-tombstones and restore share. The new files are uploaded but named by no commit: the
// caller commits them or deletes them (discardFiles). Never touches `_delta_log/`.
import {
  type AddAction,
  decodeDataPath,
  type PartitionValues,
  readTable,
  type Snapshot,
  type Table,
  tableKey,
  writeDataFiles,
} from "@facsimile/lake";

/** Columns a rewritten partition is sorted by, so each new file covers a narrow key range (merge pruning). */
const CLUSTER_CANDIDATES: readonly (readonly string[])[] = [
  ["envelope_fields_resource_ari_value"],
  ["kafka_topic", "kafka_partition", "kafka_offset"],
];

export function clusterColumns(snapshot: Pick<Snapshot, "schema" | "partitionColumns">): string[] {
  const names = new Set(snapshot.schema.fields.map((f) => f.name));
  for (const c of CLUSTER_CANDIDATES)
    if (c.every((n) => names.has(n) && !snapshot.partitionColumns.includes(n))) return [...c];
  return [];
}

export interface RewriteOptions {
  /** SQL over the files' rows: rows it is true for are left out. */
  readonly dropWhere?: string | undefined;
  readonly maxRowsPerFile?: number | undefined;
  readonly rowsAtMost?: number | undefined;
  readonly kmsKeyIdFor?: ((partitionValues: PartitionValues) => string | undefined) | undefined;
}

export interface Rewritten {
  readonly adds: readonly AddAction[];
  readonly rows: number;
  readonly bytes: number;
}

export async function rewriteFiles(
  table: Table,
  snapshot: Snapshot,
  files: ReadonlyMap<string, AddAction>,
  options: RewriteOptions = {},
): Promise<Rewritten> {
  if (files.size === 0) return { adds: [], rows: 0, bytes: 0 };
  const scan = await readTable(table, { snapshot: { ...snapshot, files } });
  const where = options.dropWhere === undefined ? "" : ` WHERE NOT coalesce((${options.dropWhere}), false)`;
  const written = await writeDataFiles(
    table,
    snapshot.schema,
    snapshot.partitionColumns,
    `SELECT * FROM (${scan.sql}) AS __fx_rewrite${where}`,
    {
      clusterBy: clusterColumns(snapshot),
      maxRowsPerFile: options.maxRowsPerFile ?? 1_000_000,
      ...(options.rowsAtMost === undefined ? {} : { rowsAtMost: options.rowsAtMost }),
      ...(options.kmsKeyIdFor === undefined ? {} : { kmsKeyIdFor: options.kmsKeyIdFor }),
    },
  );
  return written;
}

/** Deletes files a plan uploaded but never committed. */
export async function discardFiles(table: Table, adds: readonly AddAction[]): Promise<void> {
  for (const a of adds)
    await table.store.delete(tableKey(table, decodeDataPath(a.path))).catch(() => undefined);
}
