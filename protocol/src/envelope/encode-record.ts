// FacsimileRecord -> protobuf bytes, hand-written on @bufbuild/protobuf's BinaryWriter because the bus encodes
// every change. The bytes are exactly what toBinary() with the registry's facsimile.v1 descriptors writes
// (field order, proto3 defaults omitted); encode-record.test.ts proves it for random records.

import { BinaryWriter, WireType } from "@bufbuild/protobuf/wire";
import { isIntegerInRange } from "@facsimile/core";
import { InvalidRecordError } from "../errors.js";
import type { FacsimileRecord } from "./record.js";

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

function ari(w: BinaryWriter, fieldNo: number, value: string): void {
  // Ari is a message: written even when its value is empty (explicit presence).
  w.tag(fieldNo, WireType.LengthDelimited).fork();
  if (value !== "") w.tag(1, WireType.LengthDelimited).string(value);
  w.join();
}

export function encodeRecord(record: FacsimileRecord): Uint8Array {
  if (
    !Number.isInteger(record.entityType) ||
    record.entityType < INT32_MIN ||
    record.entityType > INT32_MAX
  ) {
    throw new InvalidRecordError("entityType must be an int32", { entityType: record.entityType });
  }
  const version = int64("version", record.version);
  const generation = int64("generationWatermark", record.generationWatermark);
  const w = new BinaryWriter();
  ari(w, 1, record.resourceAri);
  if (record.entityType !== 0) w.tag(2, WireType.Varint).int32(record.entityType);
  ari(w, 3, record.workspaceId);
  if (version !== 0n) w.tag(4, WireType.Varint).int64(version);
  if (generation !== 0n) w.tag(5, WireType.Varint).int64(generation);
  if (record.isTombstone) w.tag(6, WireType.Varint).bool(true);
  const payload = record.payload;
  if (payload.case === "entity") {
    w.tag(7, WireType.LengthDelimited).fork();
    if (payload.value.typeUrl !== "") w.tag(1, WireType.LengthDelimited).string(payload.value.typeUrl);
    if (payload.value.value.length > 0) w.tag(2, WireType.LengthDelimited).bytes(payload.value.value);
    w.join();
  } else if (payload.case === "offloadPointer") {
    const p = payload.value;
    if (!isIntegerInRange(p.sizeBytes, { min: 0 })) {
      throw new InvalidRecordError("offloadPointer.sizeBytes must be a non-negative safe integer", {
        sizeBytes: p.sizeBytes,
      });
    }
    w.tag(8, WireType.LengthDelimited).fork();
    if (p.uri !== "") w.tag(1, WireType.LengthDelimited).string(p.uri);
    if (p.sha256 !== "") w.tag(2, WireType.LengthDelimited).string(p.sha256);
    if (p.sizeBytes !== 0) w.tag(3, WireType.Varint).int64(p.sizeBytes);
    if (p.typeUrl !== "") w.tag(4, WireType.LengthDelimited).string(p.typeUrl);
    w.join();
  }
  return w.finish();
}
