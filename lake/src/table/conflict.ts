// Logical conflict detection between a commit that lost the race for a version and the commits that won it.
// Pure: it sees only actions. What it calls a conflict is what a retry at the next version would get wrong.
import type { CommitConflictReason } from "../errors.js";
import type { Action, PartitionValues } from "./actions.js";
import { decodeDataPath } from "./actions.js";
import { canonicalPartitionValue, type PartitionTypes } from "./partition-values.js";

/** What our commit depends on, beyond its own actions. */
export interface ReadSet {
  /**
   * Partitions whose content our actions were computed from: an add or remove there by another commit means our
   * plan is stale. "all" for the whole table; an empty list for a blind append.
   */
  readonly partitions: readonly PartitionValues[] | "all";
}

export interface Conflict {
  readonly reason: Exclude<CommitConflictReason, "attempts-exhausted">;
  readonly detail: string;
}

/** The first logical conflict between our `actions` and a winning commit's `theirs`, or undefined. */
export function findConflict(
  actions: readonly Action[],
  read: ReadSet,
  theirs: readonly Action[],
  partitionColumns: readonly string[],
  /** The partition columns' types: values are compared by their canonical text (see partition-values.ts). */
  types?: PartitionTypes,
): Conflict | undefined {
  const ourRemoves = new Set<string>();
  const ourApps = new Set<string>();
  let ourMetadata = false;
  for (const a of actions) {
    if ("remove" in a) ourRemoves.add(decodeDataPath(a.remove.path));
    else if ("txn" in a) ourApps.add(a.txn.appId);
    else if ("metaData" in a || "protocol" in a) ourMetadata = true;
  }
  const readKeys =
    read.partitions === "all"
      ? undefined
      : new Set(read.partitions.map((p) => partitionKey(p, partitionColumns, types)));
  for (const a of theirs) {
    if ("metaData" in a || "protocol" in a)
      return { reason: "metadata-changed", detail: "the table's metadata or protocol changed concurrently" };
    if (ourMetadata && ("add" in a || "remove" in a))
      return {
        reason: "metadata-changed",
        detail: "our commit changes metadata while files changed concurrently",
      };
    if ("txn" in a && ourApps.has(a.txn.appId))
      return {
        reason: "same-txn-app-id",
        detail: `application ${JSON.stringify(a.txn.appId)} committed version ${a.txn.version} concurrently`,
      };
    if ("remove" in a && ourRemoves.has(decodeDataPath(a.remove.path)))
      return { reason: "files-removed-by-both", detail: `${a.remove.path} was removed concurrently` };
    const file = "add" in a ? a.add : "remove" in a ? a.remove : undefined;
    if (file !== undefined && file.dataChange !== false) {
      // A remove without partitionValues could be anywhere: count it as touching what we read.
      const touched =
        readKeys === undefined ||
        file.partitionValues === undefined ||
        readKeys.has(partitionKey(file.partitionValues, partitionColumns, types));
      if (touched && (read.partitions === "all" || read.partitions.length > 0))
        return {
          reason: "read-partition-changed",
          detail: `${file.path} changed concurrently in a partition this commit read`,
        };
    }
  }
  return undefined;
}

/**
 * A canonical string for partition values, in partition column order. With the columns' types, values that
 * serialize one partition differently ("" and null, two timestamp spellings) give the same key.
 */
export function partitionKey(
  values: PartitionValues,
  partitionColumns: readonly string[],
  types?: PartitionTypes,
): string {
  return JSON.stringify(
    partitionColumns.map((c) =>
      types === undefined ? (values[c] ?? null) : canonicalPartitionValue(values[c], types.get(c)),
    ),
  );
}
