// A sink row as the merge stage needs it: the fields of @facsimile/transforms' SourceRecord (envelope, flat
// entity row, where and when it was read) plus the entity name and payload bytes, so a record a model rejects
// can be dead-lettered as a FacsimileRecord again. Conversions only.
import { encodeRecord, workspaceAriString } from "@facsimile/protocol";
import type { SourceRecord } from "@facsimile/transforms";
import type { AcceptedRecord } from "../records/classify-messages.js";

export interface SinkRecord extends SourceRecord {
  readonly entity: string;
  readonly typeUrl: string;
  /** The entity bytes (offloads resolved); undefined for a tombstone. */
  readonly payload: Uint8Array | undefined;
  readonly kafkaTopic: string;
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
