// A sink row as the merge stage needs it: the fields of @facsimile/transforms' SourceRecord (envelope, flat
// entity row, where and when it was read) plus the entity name and payload bytes, so a record a model rejects
// can be dead-lettered as a FacsimileRecord again. Conversions only.
import { encodeRecord, workspaceAriString } from "@facsimile/bus";
import type { FlatRow } from "@facsimile/schemas";
import type { AcceptedRecord } from "../records/classify-messages.js";

export interface SinkRecord {
  readonly entity: string;
  readonly typeUrl: string;
  readonly resourceAri: string;
  readonly entityType: number;
  /** The workspace ARI. */
  readonly workspaceId: string;
  readonly version: bigint;
  readonly generationWatermark: bigint;
  readonly isTombstone: boolean;
  readonly payloadHash: string;
  readonly row: FlatRow | null;
  readonly payload: Uint8Array | undefined;
  readonly recordTimestamp: Date;
  readonly kafkaTopic: string;
  readonly kafkaPartition: number;
  readonly kafkaOffset: bigint;
}

export function sinkRecordOf(r: AcceptedRecord): SinkRecord {
  const e = r.decoded.envelope;
  return {
    entity: r.decoded.entity.name,
    typeUrl: r.decoded.entity.typeUrl,
    resourceAri: e.resourceAri,
    entityType: e.entityType,
    workspaceId: workspaceAriString(r.workspaceId),
    version: e.version,
    generationWatermark: e.generationWatermark,
    isTombstone: e.isTombstone,
    payloadHash: r.decoded.payloadHash,
    row: r.row ?? null,
    payload: r.decoded.payload,
    recordTimestamp: new Date(r.message.timestamp),
    kafkaTopic: r.message.topic,
    kafkaPartition: r.message.partition,
    kafkaOffset: r.message.offset,
  };
}

/** The record as a FacsimileRecord with its payload inline (offloads were resolved on the way into the sink). */
export function encodeSinkRecord(r: SinkRecord): Uint8Array {
  return encodeRecord({
    resourceAri: r.resourceAri,
    entityType: r.entityType,
    workspaceId: r.workspaceId,
    version: r.version,
    generationWatermark: r.generationWatermark,
    isTombstone: r.isTombstone,
    payload:
      r.payload === undefined
        ? { case: undefined }
        : { case: "entity", value: { typeUrl: r.typeUrl, value: r.payload } },
  });
}
