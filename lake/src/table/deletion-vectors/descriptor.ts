// The deletion-vector descriptor of `add` and `remove` actions (Delta protocol, "Deletion Vector Descriptor
// Schema") and what is derived from it: the unique id that tells two DVs of one file apart, and where a DV
// stored in a file lives. Pure.
import { z85Decode, z85Encode } from "./z85.js";

export interface DeletionVectorDescriptor {
  /** 'u': a file under the table root named from a UUID; 'i': inline in the log; 'p': a file at an absolute path. */
  readonly storageType: "u" | "i" | "p";
  /** 'u': `<random prefix><20 Z85 characters of the UUID>`; 'i': the Z85 bytes; 'p': the absolute path. */
  readonly pathOrInlineDv: string;
  /** Where the DV starts in its file (at its 4-byte size); absent for 'i' and then read as 0 for files. */
  readonly offset?: number;
  /** Bytes of the serialized bitmap (before Z85 when inline). */
  readonly sizeInBytes: number;
  /** Rows the DV deletes. */
  readonly cardinality: number;
}

/** `<storageType><pathOrInlineDv>[@<offset>]`: with the path, the identity of a logical file in a snapshot. */
export function deletionVectorId(dv: DeletionVectorDescriptor | null | undefined): string {
  if (dv === null || dv === undefined) return "";
  return dv.offset === undefined || dv.offset === null
    ? `${dv.storageType}${dv.pathOrInlineDv}`
    : `${dv.storageType}${dv.pathOrInlineDv}@${dv.offset}`;
}

const UUID_Z85_LENGTH = 20;

/** The 20-character Z85 text of a canonical UUID string. */
export function uuidToZ85(uuid: string): string {
  const hex = uuid.replaceAll("-", "");
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new Error(`${JSON.stringify(uuid)} is not a UUID`);
  return z85Encode(Uint8Array.from(Buffer.from(hex, "hex")));
}

/** The path of a 'u' DV file relative to the table root: `[<prefix>/]deletion_vector_<uuid>.bin`. */
export function relativeDvPath(pathOrInlineDv: string): string {
  if (pathOrInlineDv.length < UUID_Z85_LENGTH)
    throw new Error(`${JSON.stringify(pathOrInlineDv)} is shorter than a Z85 UUID (20 characters)`);
  const prefix = pathOrInlineDv.slice(0, pathOrInlineDv.length - UUID_Z85_LENGTH);
  const hex = Buffer.from(z85Decode(pathOrInlineDv.slice(-UUID_Z85_LENGTH), 16)).toString("hex");
  const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return `${prefix === "" ? "" : `${prefix}/`}deletion_vector_${uuid}.bin`;
}

/** Checks the descriptor's shape (from a log line or a checkpoint row); returns a problem or undefined. */
export function descriptorProblem(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return "is not an object";
  const dv = value as Record<string, unknown>;
  if (dv.storageType !== "u" && dv.storageType !== "i" && dv.storageType !== "p")
    return `has storageType ${JSON.stringify(dv.storageType)}, not 'u', 'i' or 'p'`;
  if (typeof dv.pathOrInlineDv !== "string") return "has no pathOrInlineDv string";
  if (typeof dv.sizeInBytes !== "number" || dv.sizeInBytes < 0) return "has no sizeInBytes";
  if (typeof dv.cardinality !== "number" || dv.cardinality < 0) return "has no cardinality";
  if (dv.offset !== undefined && dv.offset !== null && typeof dv.offset !== "number")
    return "has a bad offset";
  if (dv.storageType === "u" && dv.pathOrInlineDv.length < UUID_Z85_LENGTH) return "has a 'u' path too short";
  return undefined;
}
