// Reads the deleted row positions of one data file from its deletion vector, wherever the descriptor says it is
// (inline, a UUID-named file under the table root, or an absolute path inside the table's store), checking size,
// CRC and cardinality. Read-only.
import { DeletionVectorError } from "../../errors.js";
import { type AddAction, decodeDataPath } from "../actions.js";
import { type Table, tableKey } from "../table.js";
import { type DeletionVectorDescriptor, relativeDvPath } from "./descriptor.js";
import { decodeDvEntry } from "./dv-file.js";
import { decodeRoaringBitmapArray } from "./roaring-bitmap-array.js";
import { z85Decode } from "./z85.js";

/** The store key of a DV kept in a file ('u' or 'p'); undefined for an inline DV. */
export function deletionVectorKey(table: Table, dv: DeletionVectorDescriptor): string | undefined {
  if (dv.storageType === "i") return undefined;
  if (dv.storageType === "u") return tableKey(table, relativeDvPath(dv.pathOrInlineDv));
  const root = `${table.url.replace(/\/+$/, "")}/`;
  if (!dv.pathOrInlineDv.startsWith(root))
    throw new Error(`absolute DV path ${dv.pathOrInlineDv} is outside the table (${root})`);
  return tableKey(table, decodeDataPath(dv.pathOrInlineDv.slice(root.length)));
}

/** The positions (ascending) that `dv` deletes from the data file at `dataPath`. */
export async function readDeletionVector(
  table: Table,
  dataPath: string,
  dv: DeletionVectorDescriptor,
): Promise<number[]> {
  let positions: number[];
  try {
    let bitmap: Uint8Array;
    if (dv.storageType === "i") bitmap = z85Decode(dv.pathOrInlineDv, dv.sizeInBytes);
    else {
      const key = deletionVectorKey(table, dv) as string;
      bitmap = decodeDvEntry(await table.store.get(key), dv.offset ?? 0, dv.sizeInBytes);
    }
    positions = decodeRoaringBitmapArray(bitmap);
  } catch (err) {
    if (err instanceof DeletionVectorError) throw err;
    throw new DeletionVectorError(table.url, dataPath, err instanceof Error ? err.message : String(err), {
      cause: err,
    });
  }
  if (positions.length !== dv.cardinality)
    throw new DeletionVectorError(
      table.url,
      dataPath,
      `it holds ${positions.length} rows, the log's cardinality is ${dv.cardinality}`,
    );
  return positions;
}

/**
 * The row positions (0-based, ascending) the add's deletion vector deletes from its data file; empty without a
 * DV. For readers that apply deletes themselves (e.g. Iceberg position deletes).
 */
export async function deletedRowPositions(table: Table, add: AddAction): Promise<number[]> {
  const dv = add.deletionVector;
  if (dv === undefined || dv === null) return [];
  return readDeletionVector(table, decodeDataPath(add.path), dv);
}
