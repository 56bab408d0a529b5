// Protobuf bytes -> FacsimileRecord, hand-written on BinaryReader: the ingest path decodes every record, so this
// avoids building reflective messages. Unknown fields are skipped (forward compatible); truncated input, wrong
// wire types and malformed or missing ARIs are RecordDecodeErrors, never a half-filled record. The entity bytes
// are a view into `bytes`, not a copy.
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import { isValidAri } from "../ari/ari.js";
import { RecordDecodeError } from "../errors.js";
import type { AnyPayload, FacsimileRecord, OffloadPointer, RecordPayload } from "./record.js";

export interface DecodeRecordOptions {
  /** Check that resource_ari and workspace_id are present and well-formed ARIs. */
  readonly validateAris: boolean;
}

export const DEFAULT_DECODE_RECORD_OPTIONS: Readonly<DecodeRecordOptions> = Object.freeze({
  validateAris: true,
});

function expect(field: string, actual: WireType, wanted: WireType): void {
  if (actual !== wanted)
    throw new RecordDecodeError(`field ${field} has wire type ${actual}, expected ${wanted}`);
}

function toBigInt(v: bigint | string): bigint {
  return typeof v === "bigint" ? v : BigInt(v);
}

function readAri(r: BinaryReader): string {
  const end = r.pos + r.uint32();
  let value = "";
  while (r.pos < end) {
    const [no, wt] = r.tag();
    if (no === 1) {
      expect("Ari.value", wt, WireType.LengthDelimited);
      value = r.string();
    } else r.skip(wt, no);
  }
  return value;
}

function readAny(r: BinaryReader): AnyPayload {
  const end = r.pos + r.uint32();
  let typeUrl = "";
  let value: Uint8Array = new Uint8Array(0);
  while (r.pos < end) {
    const [no, wt] = r.tag();
    if (no === 1) {
      expect("entity.type_url", wt, WireType.LengthDelimited);
      typeUrl = r.string();
    } else if (no === 2) {
      expect("entity.value", wt, WireType.LengthDelimited);
      value = r.bytes();
    } else r.skip(wt, no);
  }
  return { typeUrl, value };
}

function readPointer(r: BinaryReader): OffloadPointer {
  const end = r.pos + r.uint32();
  let uri = "";
  let sha256 = "";
  let sizeBytes = 0;
  let typeUrl = "";
  while (r.pos < end) {
    const [no, wt] = r.tag();
    if (no === 1) {
      expect("offload_pointer.uri", wt, WireType.LengthDelimited);
      uri = r.string();
    } else if (no === 2) {
      expect("offload_pointer.sha256", wt, WireType.LengthDelimited);
      sha256 = r.string();
    } else if (no === 3) {
      expect("offload_pointer.size_bytes", wt, WireType.Varint);
      sizeBytes = Number(toBigInt(r.int64()));
    } else if (no === 4) {
      expect("offload_pointer.type_url", wt, WireType.LengthDelimited);
      typeUrl = r.string();
    } else r.skip(wt, no);
  }
  return { uri, sha256, sizeBytes, typeUrl };
}

export function decodeRecord(bytes: Uint8Array, options: Partial<DecodeRecordOptions> = {}): FacsimileRecord {
  const { validateAris } = { ...DEFAULT_DECODE_RECORD_OPTIONS, ...options };
  let resourceAri: string | undefined;
  let workspaceId: string | undefined;
  let entityType = 0;
  let version = 0n;
  let generationWatermark = 0n;
  let isTombstone = false;
  let payload: RecordPayload = { case: undefined };
  try {
    const r = new BinaryReader(bytes);
    while (r.pos < r.len) {
      const [no, wt] = r.tag();
      switch (no) {
        case 1:
          expect("resource_ari", wt, WireType.LengthDelimited);
          resourceAri = readAri(r);
          break;
        case 2:
          expect("entity_type", wt, WireType.Varint);
          entityType = r.int32();
          break;
        case 3:
          expect("workspace_id", wt, WireType.LengthDelimited);
          workspaceId = readAri(r);
          break;
        case 4:
          expect("version", wt, WireType.Varint);
          version = toBigInt(r.int64());
          break;
        case 5:
          expect("generation_watermark", wt, WireType.Varint);
          generationWatermark = toBigInt(r.int64());
          break;
        case 6:
          expect("is_tombstone", wt, WireType.Varint);
          isTombstone = r.bool();
          break;
        case 7:
          expect("entity", wt, WireType.LengthDelimited);
          payload = { case: "entity", value: readAny(r) };
          break;
        case 8:
          expect("offload_pointer", wt, WireType.LengthDelimited);
          payload = { case: "offloadPointer", value: readPointer(r) };
          break;
        default:
          r.skip(wt, no);
      }
    }
    if (r.pos !== r.len) throw new RecordDecodeError("a nested message runs past the end of the record");
  } catch (err) {
    if (err instanceof RecordDecodeError) throw err;
    throw new RecordDecodeError(err instanceof Error ? err.message : String(err), { cause: err });
  }
  if (validateAris) {
    checkAri("resource_ari", resourceAri);
    checkAri("workspace_id", workspaceId);
  }
  return {
    resourceAri: resourceAri ?? "",
    entityType,
    workspaceId: workspaceId ?? "",
    version,
    generationWatermark,
    isTombstone,
    payload,
  };
}

function checkAri(field: string, value: string | undefined): void {
  if (value === undefined) throw new RecordDecodeError(`${field} is missing`);
  if (!isValidAri(value)) {
    throw new RecordDecodeError(`${field} ${JSON.stringify(value)} is not a valid ARI`, {
      context: { field, value },
    });
  }
}
