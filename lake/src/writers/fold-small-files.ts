// Which live files a write folds into its own new files, so a table written by many small batches does not pile
// up tiny files per partition: in each partition the write touches, once the partition holds `filesAbove` live
// files or more, every file under `smallFileBytes`. Large files are compaction's (optimize) to merge. Pure.
import type { AddAction, PartitionValues } from "../table/actions.js";
import { partitionKey } from "../table/conflict.js";
import { partitionTypesOf } from "../table/partition-values.js";
import type { Snapshot } from "../table/snapshot.js";
import { FOLD_DEFAULTS, type WriterConfig } from "./writer-config.js";

export function filesToFold(
  snapshot: Pick<Snapshot, "files" | "partitionColumns"> & Partial<Pick<Snapshot, "schema">>,
  partitions: readonly PartitionValues[],
  config: Pick<WriterConfig, "foldFilesAbove" | "smallFileBytes">,
): AddAction[] {
  const above = config.foldFilesAbove ?? FOLD_DEFAULTS.filesAbove;
  const small = config.smallFileBytes ?? FOLD_DEFAULTS.smallFileBytes;
  if (above <= 0 || partitions.length === 0) return [];
  const pcols = snapshot.partitionColumns;
  const types = snapshot.schema === undefined ? undefined : partitionTypesOf(snapshot.schema, pcols);
  const touched = new Set(partitions.map((p) => partitionKey(p, pcols, types)));
  const byPartition = new Map<string, AddAction[]>();
  for (const add of snapshot.files.values()) {
    const key = partitionKey(add.partitionValues, pcols, types);
    if (!touched.has(key)) continue;
    const list = byPartition.get(key);
    if (list === undefined) byPartition.set(key, [add]);
    else list.push(add);
  }
  const fold: AddAction[] = [];
  for (const files of byPartition.values())
    if (files.length >= above) for (const f of files) if (f.size < small) fold.push(f);
  return fold;
}
