// FacsimileRecord <-> bytes through the registry's descriptors (reflection: create/toBinary/fromBinary). Slower
// than encode-record.ts/decode-record.ts; it is the reference they are tested against, and the way to read a
// record with a registry whose envelope differs from the one compiled into this package.
import { create, type DescMessage, fromBinary, type MessageShape, toBinary } from "@bufbuild/protobuf";
import type { SchemaRegistry } from "@facsimile/schemas";
import { ENVELOPE_MESSAGE, type FacsimileRecord, type RecordPayload } from "./record.js";

interface RecordShape {
  resourceAri?: { value: string };
  entityType: number;
  workspaceId?: { value: string };
  version: bigint;
  generationWatermark: bigint;
  isTombstone: boolean;
  payload:
    | { case: "entity"; value: { typeUrl: string; value: Uint8Array } }
    | { case: "offloadPointer"; value: { uri: string; sha256: string; sizeBytes: bigint; typeUrl: string } }
    | { case: undefined; value?: undefined };
}

function envelope(registry: SchemaRegistry): DescMessage {
  return registry.message(ENVELOPE_MESSAGE);
}

export function encodeRecordWithDescriptors(registry: SchemaRegistry, record: FacsimileRecord): Uint8Array {
  const desc = envelope(registry);
  const p = record.payload;
  const payload =
    p.case === "entity"
      ? { case: "entity", value: { typeUrl: p.value.typeUrl, value: p.value.value } }
      : p.case === "offloadPointer"
        ? { case: "offloadPointer", value: { ...p.value, sizeBytes: BigInt(p.value.sizeBytes) } }
        : { case: undefined };
  const message = create(desc, {
    resourceAri: { value: record.resourceAri },
    entityType: record.entityType,
    workspaceId: { value: record.workspaceId },
    version: record.version,
    generationWatermark: record.generationWatermark,
    isTombstone: record.isTombstone,
    payload,
  } as never);
  return toBinary(desc, message);
}

export function decodeRecordWithDescriptors(registry: SchemaRegistry, bytes: Uint8Array): FacsimileRecord {
  const m = fromBinary(envelope(registry), bytes) as MessageShape<DescMessage> as unknown as RecordShape;
  const p = m.payload;
  const payload: RecordPayload =
    p.case === "entity"
      ? { case: "entity", value: { typeUrl: p.value.typeUrl, value: p.value.value } }
      : p.case === "offloadPointer"
        ? {
            case: "offloadPointer",
            value: {
              uri: p.value.uri,
              sha256: p.value.sha256,
              sizeBytes: Number(p.value.sizeBytes),
              typeUrl: p.value.typeUrl,
            },
          }
        : { case: undefined };
  return {
    resourceAri: m.resourceAri?.value ?? "",
    entityType: m.entityType,
    workspaceId: m.workspaceId?.value ?? "",
    version: m.version,
    generationWatermark: m.generationWatermark,
    isTombstone: m.isTombstone,
    payload,
  };
}
