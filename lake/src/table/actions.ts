// The Delta Lake log actions we read and write (protocol reader 1 / writer 2, or 3 / 7 with deletion vectors), in
// their JSON shape: one action per line of a commit file, a single key naming the action. Types only.
import type { DeletionVectorDescriptor } from "./deletion-vectors/descriptor.js";

export interface ProtocolAction {
  readonly minReaderVersion: number;
  readonly minWriterVersion: number;
  readonly readerFeatures?: readonly string[];
  readonly writerFeatures?: readonly string[];
}

export interface FormatSpec {
  readonly provider: string;
  readonly options: Readonly<Record<string, string>>;
}

export interface MetadataAction {
  readonly id: string;
  readonly name?: string | null;
  readonly description?: string | null;
  readonly format: FormatSpec;
  readonly schemaString: string;
  readonly partitionColumns: readonly string[];
  readonly configuration: Readonly<Record<string, string>>;
  readonly createdTime?: number;
}

/** Partition column -> value as the Delta spec serializes it (null for a null value). */
export type PartitionValues = Readonly<Record<string, string | null>>;

export interface AddAction {
  /** URI-encoded path relative to the table root. */
  readonly path: string;
  readonly partitionValues: PartitionValues;
  readonly size: number;
  readonly modificationTime: number;
  readonly dataChange: boolean;
  /** JSON: numRecords, minValues, maxValues, nullCount. */
  readonly stats?: string;
  readonly tags?: Readonly<Record<string, string>> | null;
  /** The rows of the data file this logical file no longer holds (reader 3 / writer 7 tables only). */
  readonly deletionVector?: DeletionVectorDescriptor | null;
}

export interface RemoveAction {
  readonly path: string;
  readonly deletionTimestamp?: number;
  readonly dataChange: boolean;
  readonly extendedFileMetadata?: boolean;
  readonly partitionValues?: PartitionValues;
  readonly size?: number;
  /** The deletion vector of the logical file removed (a file is identified by its path and its DV). */
  readonly deletionVector?: DeletionVectorDescriptor | null;
}

export interface TxnAction {
  readonly appId: string;
  readonly version: number;
  readonly lastUpdated?: number;
}

export type CommitInfoAction = Readonly<Record<string, unknown>>;

export type Action =
  | { readonly protocol: ProtocolAction }
  | { readonly metaData: MetadataAction }
  | { readonly add: AddAction }
  | { readonly remove: RemoveAction }
  | { readonly txn: TxnAction }
  | { readonly commitInfo: CommitInfoAction };

/** The protocol every table we create declares. */
export const PROTOCOL: ProtocolAction = Object.freeze({ minReaderVersion: 1, minWriterVersion: 2 });

export function removeOf(add: AddAction, deletionTimestamp: number): RemoveAction {
  return {
    path: add.path,
    deletionTimestamp,
    dataChange: true,
    extendedFileMetadata: true,
    partitionValues: add.partitionValues,
    size: add.size,
    ...(add.deletionVector === undefined || add.deletionVector === null
      ? {}
      : { deletionVector: add.deletionVector }),
  };
}

/** The object key of a data file, relative to the table root, from its URI-encoded Delta path. */
export function decodeDataPath(path: string): string {
  return path.split("/").map(decodeURIComponent).join("/");
}

/** The Delta (URI-encoded) path of a data file from its key relative to the table root. */
export function encodeDataPath(relativeKey: string): string {
  // "=" is legal in a URI path and every Delta writer leaves it readable in `col=value` directories.
  return relativeKey
    .split("/")
    .map((s) => encodeURIComponent(s).replaceAll("%3D", "="))
    .join("/");
}
