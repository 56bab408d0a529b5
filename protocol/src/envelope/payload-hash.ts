// The payload hash, defined once for the whole system: the LWW tie-break after (generation, version, tombstone).
//   entity (inline Any):    lowercase hex sha256 of the Any's `value` bytes (the entity message bytes);
//   offload_pointer:        the pointer's `sha256` field, which is the sha256 of those same bytes in the store;
//   no payload (tombstone): sha256 of zero bytes.
// So a payload hashes the same whether it travelled inline or offloaded, and the hash is content, not transport.
import { hash } from "node:crypto";
import type { LwwKey } from "../ordering/last-writer-wins.js";
import type { FacsimileRecord, RecordPayload } from "./record.js";

export const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

export function sha256Hex(bytes: Uint8Array): string {
  // One-shot hash: several times faster than createHash() for the small payloads of most records.
  return hash("sha256", bytes, "hex");
}

export function payloadHash(payload: RecordPayload): string {
  switch (payload.case) {
    case "entity":
      return sha256Hex(payload.value.value);
    case "offloadPointer":
      return payload.value.sha256.toLowerCase();
    default:
      return EMPTY_SHA256;
  }
}

/** The last-writer-wins key of a record (computes the payload hash). */
export function recordLwwKey(record: FacsimileRecord): LwwKey {
  return {
    generationWatermark: record.generationWatermark,
    version: record.version,
    isTombstone: record.isTombstone,
    payloadHash: payloadHash(record.payload),
  };
}
