// Which files a merge marks with a deletion vector instead of rewriting them, and the actions that do it: a file
// that loses a few rows (its deleted share stays at or under the writer's dvRewriteAbove) keeps its bytes and gets
// a new DV holding its old deletes plus the new ones, committed as the remove of the old logical file and the add
// of the same path with the new DV; the others are rewritten (copy-on-write). Only on tables whose DVs are on.
import { numRecordsOf } from "../io/file-stats.js";
import { type Action, type AddAction, decodeDataPath, removeOf } from "../table/actions.js";
import { readDeletionVector } from "../table/deletion-vectors/read-deletion-vector.js";
import { deletionVectorsEnabled } from "../table/deletion-vectors/table-features.js";
import { writeDeletionVectors } from "../table/deletion-vectors/write-deletion-vectors.js";
import type { Snapshot } from "../table/snapshot.js";
import type { Table } from "../table/table.js";
import { DV_DEFAULTS, type WriterConfig } from "./writer-config.js";

export interface DeletionVectorPlan {
  /** Files (decoded paths) rewritten without their losing rows. */
  readonly rewrite: ReadonlySet<string>;
  /** Files kept in place, with every row position they lose from now on (old DV + new). */
  readonly mark: ReadonlyMap<string, readonly number[]>;
}

/**
 * Splits the files that lose rows (`losers`: decoded path -> new positions, ascending) into rewrites and marks.
 * `forced` files (folded ones) are always rewritten.
 */
export async function planDeletionVectors(
  table: Table,
  snapshot: Pick<Snapshot, "protocol" | "metadata">,
  candidates: readonly AddAction[],
  losers: ReadonlyMap<string, readonly number[]>,
  forced: ReadonlySet<string>,
  config: Pick<WriterConfig, "dvRewriteAbove">,
): Promise<DeletionVectorPlan> {
  const rewrite = new Set(forced);
  const mark = new Map<string, readonly number[]>();
  const enabled = deletionVectorsEnabled(snapshot.protocol, snapshot.metadata);
  const above = config.dvRewriteAbove ?? DV_DEFAULTS.rewriteAbove;
  const byPath = new Map(candidates.map((a) => [decodeDataPath(a.path), a]));
  for (const [path, positions] of losers) {
    if (rewrite.has(path)) continue;
    const add = byPath.get(path);
    const rows = add === undefined ? undefined : numRecordsOf(add);
    if (!enabled || add === undefined || rows === undefined) {
      rewrite.add(path);
      continue;
    }
    const old =
      add.deletionVector === undefined || add.deletionVector === null
        ? []
        : await readDeletionVector(table, path, add.deletionVector);
    const all = union(old, positions);
    if (all.length > above * rows) rewrite.add(path);
    else mark.set(path, all);
  }
  return { rewrite, mark };
}

/** Writes the DV file of `mark` and returns the remove + add pair of each marked file, and the DV file's key. */
export async function deletionVectorActions(
  table: Table,
  candidates: readonly AddAction[],
  mark: ReadonlyMap<string, readonly number[]>,
  now: number,
): Promise<{ actions: Action[]; key: string | undefined }> {
  if (mark.size === 0) return { actions: [], key: undefined };
  const byPath = new Map(candidates.map((a) => [decodeDataPath(a.path), a]));
  const entries = [...mark];
  const written = await writeDeletionVectors(
    table,
    entries.map(([, positions]) => positions),
  );
  const actions: Action[] = [];
  entries.forEach(([path], i) => {
    const add = byPath.get(path) as AddAction;
    actions.push(
      { remove: removeOf(add, now) },
      {
        add: {
          ...add,
          dataChange: true,
          deletionVector: written.descriptors[i] as NonNullable<AddAction["deletionVector"]>,
          ...(add.stats === undefined ? {} : { stats: wideBounds(add.stats) }),
        },
      },
    );
  });
  return { actions, key: written.key };
}

/** The file's stats with `tightBounds: false`: min/max may now be values only deleted rows held. */
function wideBounds(stats: string): string {
  try {
    return JSON.stringify({ ...(JSON.parse(stats) as object), tightBounds: false });
  } catch {
    return stats;
  }
}

function union(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    const next = y === undefined || (x !== undefined && x < y) ? (x as number) : y;
    if (out[out.length - 1] !== next) out.push(next);
    if (x === next) i++;
    if (y === next) j++;
  }
  return out;
}
