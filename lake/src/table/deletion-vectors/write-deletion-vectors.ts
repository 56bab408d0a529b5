// Writes the deletion vectors of one commit: every bitmap into one `deletion_vector_<uuid>.bin` file at the table
// root (as Spark does per task), and returns their descriptors. Until a commit names it, the file is an
// invisible orphan: this module never touches `_delta_log/`.
import { randomUUID } from "node:crypto";
import { type Table, tableKey } from "../table.js";
import { type DeletionVectorDescriptor, relativeDvPath, uuidToZ85 } from "./descriptor.js";
import { encodeDvFile } from "./dv-file.js";
import { encodeRoaringBitmapArray } from "./roaring-bitmap-array.js";

export interface WrittenDeletionVectors {
  /** One descriptor per input, in order. */
  readonly descriptors: readonly DeletionVectorDescriptor[];
  /** The store key of the file (undefined when there was nothing to write). */
  readonly key: string | undefined;
  readonly bytes: number;
}

/** Writes one DV per entry of `positionSets` (each ascending, distinct, non-empty). */
export async function writeDeletionVectors(
  table: Table,
  positionSets: readonly (readonly number[])[],
): Promise<WrittenDeletionVectors> {
  if (positionSets.length === 0) return { descriptors: [], key: undefined, bytes: 0 };
  const bitmaps = positionSets.map((p) => encodeRoaringBitmapArray(p));
  const { bytes, offsets } = encodeDvFile(bitmaps);
  const pathOrInlineDv = uuidToZ85(randomUUID());
  const key = tableKey(table, relativeDvPath(pathOrInlineDv));
  await table.store.put(key, bytes);
  const descriptors = positionSets.map(
    (p, i): DeletionVectorDescriptor => ({
      storageType: "u",
      pathOrInlineDv,
      offset: offsets[i] as number,
      sizeInBytes: (bitmaps[i] as Uint8Array).length,
      cardinality: p.length,
    }),
  );
  return { descriptors, key, bytes: bytes.length };
}
