// FacsimileRecord -> protobuf bytes, hand-written because every change is encoded: the record is measured
// once and written into one buffer of exactly its size, the entity payload included (a SizedPayload such as
// @facsimile/schemas' sizeEntity writes itself in place, so the entity bytes are never copied). The bytes are
// exactly what toBinary() with the registry's facsimile.v1 descriptors writes (field order, proto3 defaults
// omitted); envelope.test.ts proves it for random records.
import { isIntegerInRange } from "@facsimile/core";
import { wire } from "@facsimile/schemas";
import { InvalidRecordError } from "../errors.js";
import type { FacsimileRecord, OffloadPointer } from "./record.js";

/** Bytes that know their length and write themselves at an offset, returning the offset after them. */
export interface SizedPayload {
  readonly byteLength: number;
  writeInto(target: Uint8Array, offset: number): number;
}

/** A record to encode: a FacsimileRecord whose inline entity bytes may also be a SizedPayload. */
export type EncodableRecord = Omit<FacsimileRecord, "payload"> & {
  readonly payload:
    | FacsimileRecord["payload"]
    | { readonly case: "entity"; readonly value: { readonly typeUrl: string; readonly value: SizedPayload } };
};

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function int64(field: string, v: bigint): bigint {
  if (typeof v !== "bigint" || v < INT64_MIN || v > INT64_MAX) {
    throw new InvalidRecordError(`${field} must be a bigint in the int64 range`, { [field]: String(v) });
  }
  return v;
}

/** Bytes of a length-delimited string field (tag < 16) holding `n` bytes; 0 when the string is empty. */
function stringField(n: number): number {
  return n === 0 ? 0 : 1 + wire.varintSize(n) + n;
}

function writeString(b: Buffer, pos: number, tag: number, s: string, n: number): number {
  if (n === 0) return pos;
  b[pos] = tag;
  return wire.writeUtf8(b, wire.writeVarint(b, pos + 1, n), s, n);
}

function writeDelimitedHeader(b: Buffer, pos: number, tag: number, n: number): number {
  b[pos] = tag;
  return wire.writeVarint(b, pos + 1, n);
}

/** Encodes a record into a buffer of exactly its size, returned as a plain Uint8Array view (no copy). */
export function encodeRecord(record: EncodableRecord): Uint8Array {
  const b = encodeRecordWith(record, Buffer.allocUnsafe);
  // A plain Uint8Array: what decoders and byte comparisons expect, Buffer being a subclass.
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * encodeRecord into the Buffer from `allocate` (of exactly the size asked; every byte is written), returned as it
 * is: a producer passes a slab allocator, so that thousands of records share a few large allocations, and hands
 * the Buffer to the Kafka client without another view.
 */
export function encodeRecordWith(record: EncodableRecord, allocate: (size: number) => Buffer): Buffer {
  if (
    !Number.isInteger(record.entityType) ||
    record.entityType < INT32_MIN ||
    record.entityType > INT32_MAX
  ) {
    throw new InvalidRecordError("entityType must be an int32", { entityType: record.entityType });
  }
  const version = int64("version", record.version);
  const generation = int64("generationWatermark", record.generationWatermark);
  const payload = record.payload;
  let pointer: OffloadPointer | undefined;
  if (payload.case === "offloadPointer") {
    pointer = payload.value;
    if (!isIntegerInRange(pointer.sizeBytes, { min: 0 })) {
      throw new InvalidRecordError("offloadPointer.sizeBytes must be a non-negative safe integer", {
        sizeBytes: pointer.sizeBytes,
      });
    }
  }

  // Pass 1: sizes. Ari messages are written even when empty (explicit presence).
  const resourceLen = wire.utf8Length(record.resourceAri);
  const resourceAri = stringField(resourceLen);
  const workspaceLen = wire.utf8Length(record.workspaceId);
  const workspaceAri = stringField(workspaceLen);
  let size =
    2 +
    wire.varintSize(resourceAri) +
    resourceAri +
    wire.varintSize(workspaceAri) +
    workspaceAri +
    (record.entityType === 0 ? 0 : 1 + wire.int32Size(record.entityType)) +
    (version === 0n ? 0 : 1 + wire.int64Size(version)) +
    (generation === 0n ? 0 : 1 + wire.int64Size(generation)) +
    (record.isTombstone ? 2 : 0);
  let typeUrlLen = 0;
  let entityLen = 0;
  let uriLen = 0;
  let shaLen = 0;
  let inner = 0;
  if (payload.case === "entity") {
    typeUrlLen = wire.utf8Length(payload.value.typeUrl);
    entityLen = payload.value.value.byteLength;
    inner = stringField(typeUrlLen) + stringField(entityLen);
  } else if (pointer !== undefined) {
    uriLen = wire.utf8Length(pointer.uri);
    shaLen = wire.utf8Length(pointer.sha256);
    typeUrlLen = wire.utf8Length(pointer.typeUrl);
    inner =
      stringField(uriLen) +
      stringField(shaLen) +
      (pointer.sizeBytes === 0 ? 0 : 1 + wire.int64Size(pointer.sizeBytes)) +
      stringField(typeUrlLen);
  }
  if (payload.case !== undefined) size += 1 + wire.varintSize(inner) + inner;

  // Pass 2: one buffer, every byte in place.
  const b = allocate(size);
  let p = writeDelimitedHeader(b, 0, 0x0a, resourceAri);
  p = writeString(b, p, 0x0a, record.resourceAri, resourceLen);
  if (record.entityType !== 0) {
    b[p] = 0x10;
    p = wire.writeInt32(b, p + 1, record.entityType);
  }
  p = writeDelimitedHeader(b, p, 0x1a, workspaceAri);
  p = writeString(b, p, 0x0a, record.workspaceId, workspaceLen);
  if (version !== 0n) {
    b[p] = 0x20;
    p = wire.writeInt64(b, p + 1, version);
  }
  if (generation !== 0n) {
    b[p] = 0x28;
    p = wire.writeInt64(b, p + 1, generation);
  }
  if (record.isTombstone) {
    b[p] = 0x30;
    b[p + 1] = 1;
    p += 2;
  }
  if (payload.case === "entity") {
    p = writeDelimitedHeader(b, p, 0x3a, inner);
    p = writeString(b, p, 0x0a, payload.value.typeUrl, typeUrlLen);
    if (entityLen > 0) {
      p = writeDelimitedHeader(b, p, 0x12, entityLen);
      const value = payload.value.value;
      if (value instanceof Uint8Array) {
        b.set(value, p);
        p += entityLen;
      } else if (value.writeInto(b, p) !== p + entityLen) {
        throw new InvalidRecordError("the payload wrote a different number of bytes than it measured", {
          byteLength: entityLen,
        });
      } else p += entityLen;
    }
  } else if (pointer !== undefined) {
    p = writeDelimitedHeader(b, p, 0x42, inner);
    p = writeString(b, p, 0x0a, pointer.uri, uriLen);
    p = writeString(b, p, 0x12, pointer.sha256, shaLen);
    if (pointer.sizeBytes !== 0) {
      b[p] = 0x18;
      p = wire.writeInt64(b, p + 1, pointer.sizeBytes);
    }
    p = writeString(b, p, 0x22, pointer.typeUrl, typeUrlLen);
  }
  if (p !== size) throw new InvalidRecordError("encoded size differs from the measured size", { size, p });
  return b;
}
