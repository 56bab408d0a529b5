// The plan of an optimize (compaction): per partition, the small files (and files carrying deletion vectors) to
// fold into large ones, chosen by the lake's own small-file rule (filesToFold) with maintenance's thresholds. Pure:
// it sees only a snapshot, so it is re-run as is on a newer snapshot when a concurrent write took some of its files.
import {
  type AddAction,
  decodeDataPath,
  filesToFold,
  type PartitionValues,
  partitionKey,
  type Snapshot,
} from "@facsimile/lake";
import { type MaintenanceOptions, maintenanceOptions } from "./maintenance-options.js";

export interface OptimizeGroup {
  /** partitionKey() of the partition. */
  readonly key: string;
  readonly partitionValues: PartitionValues;
  /** Decoded paths relative to the table root, with their adds. */
  readonly files: readonly { readonly path: string; readonly add: AddAction }[];
  readonly bytes: number;
  /** From the files' statistics (undefined when a file has none). */
  readonly rows: number | undefined;
  readonly deletionVectors: number;
}

export interface OptimizePlan {
  readonly kind: "optimize";
  readonly table: string;
  readonly version: number;
  readonly groups: readonly OptimizeGroup[];
  readonly files: number;
  readonly bytes: number;
  /** Live files of the table when planned, for the before/after figure. */
  readonly liveFiles: number;
  readonly partitions: number;
}

function hasDeletionVector(add: AddAction): boolean {
  const dv = (add as { deletionVector?: unknown }).deletionVector;
  return dv !== undefined && dv !== null;
}

function numRecords(add: AddAction): number | undefined {
  if (add.stats === undefined) return undefined;
  try {
    const n = (JSON.parse(add.stats) as { numRecords?: unknown }).numRecords;
    return typeof n === "number" ? n : undefined;
  } catch {
    return undefined;
  }
}

/** Plans the compaction of `snapshot` (every partition, or only those whose key is in `only`). */
export function planOptimize(
  snapshot: Snapshot,
  options: Partial<MaintenanceOptions> = {},
  only?: ReadonlySet<string>,
): OptimizePlan {
  const o = maintenanceOptions(options);
  const pcols = snapshot.partitionColumns;
  const partitions = new Map<string, PartitionValues>();
  for (const add of snapshot.files.values()) {
    const key = partitionKey(add.partitionValues, pcols);
    if ((only === undefined || only.has(key)) && !partitions.has(key))
      partitions.set(key, add.partitionValues);
  }
  // The lake's rule: in a partition with at least `minFilesToCompact` files, every file under smallFileBytes.
  const small = filesToFold(snapshot, [...partitions.values()], {
    foldFilesAbove: o.minFilesToCompact,
    smallFileBytes: o.smallFileBytes,
  });
  const picked = new Map<string, AddAction[]>();
  const add = (a: AddAction): void => {
    const key = partitionKey(a.partitionValues, pcols);
    const list = picked.get(key);
    if (list === undefined) picked.set(key, [a]);
    else if (!list.includes(a)) list.push(a);
  };
  for (const a of small) add(a);
  // A file with a deletion vector is rewritten without its deleted rows whatever its size.
  for (const a of snapshot.files.values())
    if (hasDeletionVector(a) && partitions.has(partitionKey(a.partitionValues, pcols))) add(a);
  const groups: OptimizeGroup[] = [];
  for (const [key, adds] of picked) {
    const deletionVectors = adds.filter(hasDeletionVector).length;
    // Rewriting one small file alone into one file gains nothing (unless it sheds a deletion vector).
    if (adds.length < 2 && deletionVectors === 0) continue;
    let rows: number | undefined = 0;
    for (const a of adds) {
      const n = numRecords(a);
      rows = rows === undefined || n === undefined ? undefined : rows + n;
    }
    groups.push({
      key,
      partitionValues: (adds[0] as AddAction).partitionValues,
      files: adds.map((a) => ({ path: decodeDataPath(a.path), add: a })),
      bytes: adds.reduce((n, a) => n + a.size, 0),
      rows,
      deletionVectors,
    });
  }
  groups.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    kind: "optimize",
    table: snapshot.table,
    version: snapshot.version,
    groups,
    files: groups.reduce((n, g) => n + g.files.length, 0),
    bytes: groups.reduce((n, g) => n + g.bytes, 0),
    liveFiles: snapshot.files.size,
    partitions: new Set([...snapshot.files.values()].map((a) => partitionKey(a.partitionValues, pcols))).size,
  };
}
