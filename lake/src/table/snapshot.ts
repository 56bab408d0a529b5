// A snapshot: the state of a table at one version, folded from a checkpoint and the commits after it. The fold
// (SnapshotBuilder) is pure; loading the log is load-snapshot.ts.
import { UnsupportedProtocolError, VersionNotFoundError } from "../errors.js";
import {
  type Action,
  type AddAction,
  decodeDataPath,
  type MetadataAction,
  type ProtocolAction,
  type RemoveAction,
  type TxnAction,
} from "./actions.js";
import { deletionVectorId } from "./deletion-vectors/descriptor.js";
import { unsupportedReaderFeatures } from "./deletion-vectors/table-features.js";
import { parseSchemaString, type TableSchema } from "./schema.js";

export interface Snapshot {
  /** The table's URL, for messages. */
  readonly table: string;
  readonly version: number;
  /** Commit time of `version` (commitInfo.timestamp, else the log file's modification time), ms since epoch. */
  readonly timestamp: number;
  readonly protocol: ProtocolAction;
  readonly metadata: MetadataAction;
  readonly schema: TableSchema;
  readonly partitionColumns: readonly string[];
  /** Live data files by decoded path (the object key relative to the table root). */
  readonly files: ReadonlyMap<string, AddAction>;
  /** Removed files still remembered (for checkpoints and vacuum), by decoded path. */
  readonly tombstones: ReadonlyMap<string, RemoveAction>;
  /** Latest transaction version per application id: a writer's replay guard. */
  readonly txns: ReadonlyMap<string, TxnAction>;
}

/** The latest committed version of `appId` in the snapshot, or undefined. */
export function txnVersion(snapshot: Snapshot, appId: string): number | undefined {
  return snapshot.txns.get(appId)?.version;
}

export class SnapshotBuilder {
  private protocol: ProtocolAction | undefined;
  private metadata: MetadataAction | undefined;
  private readonly files = new Map<string, AddAction>();
  private readonly tombstones = new Map<string, RemoveAction>();
  private readonly txns = new Map<string, TxnAction>();

  constructor(private readonly table: string) {}

  apply(actions: readonly Action[]): void {
    for (const a of actions) {
      if ("add" in a) {
        const key = decodeDataPath(a.add.path);
        this.files.set(key, a.add);
        this.tombstones.delete(key);
      } else if ("remove" in a) {
        const key = decodeDataPath(a.remove.path);
        // A logical file is its path and its deletion vector: a remove of the file with its old DV must not
        // drop the add of the same path with a new DV (the two may come in either order in one commit).
        const live = this.files.get(key);
        if (
          live !== undefined &&
          deletionVectorId(live.deletionVector) === deletionVectorId(a.remove.deletionVector)
        )
          this.files.delete(key);
        this.tombstones.set(key, a.remove);
      } else if ("txn" in a) this.txns.set(a.txn.appId, a.txn);
      else if ("metaData" in a) this.metadata = a.metaData;
      else if ("protocol" in a) this.protocol = a.protocol;
    }
  }

  build(version: number, timestamp: number): Snapshot {
    if (this.protocol === undefined || this.metadata === undefined)
      throw new VersionNotFoundError(
        this.table,
        `version ${version} has no protocol or metaData in its log`,
        { version },
      );
    const unsupported = unsupportedReaderFeatures(this.protocol);
    if (unsupported.length > 0)
      throw new UnsupportedProtocolError(this.table, `reader features ${unsupported.join(", ")}`);
    return Object.freeze({
      table: this.table,
      version,
      timestamp,
      protocol: this.protocol,
      metadata: this.metadata,
      schema: parseSchemaString(this.metadata.schemaString, this.table),
      partitionColumns: this.metadata.partitionColumns,
      files: new Map(this.files),
      tombstones: new Map(this.tombstones),
      txns: new Map(this.txns),
    });
  }
}
