// The replication envelope as plain values: FacsimileRecord, OffloadPointer and the payload oneof, field for
// field as in facsimile.v1 (envelope.proto, DESIGN.md "Replication protocol"). ARIs are kept as their canonical
// strings (the `Ari.value` of the wire format); parseAri gives their parts. No I/O and no Kafka here.

/** google.protobuf.Any: the entity message bytes and their type url. */
export interface AnyPayload {
  readonly typeUrl: string;
  readonly value: Uint8Array;
}

/** Where an offloaded entity payload lives; `sha256` (lowercase hex) and `sizeBytes` describe the bytes. */
export interface OffloadPointer {
  readonly uri: string;
  readonly sha256: string;
  readonly sizeBytes: number;
  readonly typeUrl: string;
}

export type RecordPayload =
  | { readonly case: "entity"; readonly value: AnyPayload }
  | { readonly case: "offloadPointer"; readonly value: OffloadPointer }
  | { readonly case: undefined; readonly value?: undefined };

export interface FacsimileRecord {
  /** `ari:cloud:<product>:<workspace-id>:<type>/<id>` of the changed resource. */
  readonly resourceAri: string;
  /** Entity type id from the lockfile. */
  readonly entityType: number;
  /** The workspace ARI, `ari:cloud:platform::workspace/<workspace-id>`. */
  readonly workspaceId: string;
  /** Producer-chosen, monotonic per resource (row version or hybrid logical clock). */
  readonly version: bigint;
  /** Bumped when the resource or its workspace is deleted and may come back. */
  readonly generationWatermark: bigint;
  readonly isTombstone: boolean;
  readonly payload: RecordPayload;
}

export const ENVELOPE_MESSAGE = "facsimile.v1.FacsimileRecord";
export const NO_PAYLOAD: RecordPayload = Object.freeze({ case: undefined });
