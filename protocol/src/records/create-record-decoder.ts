// The consumer side of the protocol (used by ingest): bytes of a bus message -> envelope, entity info, payload
// bytes (fetched from the object store when offloaded and checked against the pointer's size and sha256, see
// ../offload/fetch-verified-offload.ts) and,
// optionally, the decoded entity value. Every failure is typed: retriable ones (store unavailable) are worth
// retrying, the others mean the record belongs in the dead-letter topic.
import type { RetryOptions } from "@facsimile/core";
import type { ObjectStore } from "@facsimile/object-store";
import {
  decodeEntity,
  type EntityInfo,
  type PlainEntity,
  type SchemaRegistry,
  UnknownEntityError,
} from "@facsimile/schemas";
import { decodeRecord } from "../envelope/decode-record.js";
import { payloadHash } from "../envelope/payload-hash.js";
import type { FacsimileRecord, OffloadPointer } from "../envelope/record.js";
import { RecordDecodeError } from "../errors.js";
import { fetchVerifiedOffload } from "../offload/fetch-verified-offload.js";

export interface RecordDecoderOptions {
  /** Decode the entity bytes into a plain value (off when the caller only needs the bytes). */
  readonly decodeValue: boolean;
  /** Retry budget for fetching offloaded payloads. */
  readonly retry: Partial<RetryOptions>;
}

export const DEFAULT_RECORD_DECODER_OPTIONS: Readonly<RecordDecoderOptions> = Object.freeze({
  decodeValue: true,
  retry: Object.freeze({ budgetMs: 10_000 }),
});

export interface RecordDecoderDeps {
  readonly registry: SchemaRegistry;
  /** The store offload pointers point into; only needed when records may be offloaded. */
  readonly store?: ObjectStore;
  /** Where a pointer's missing object may have moved (see fetchVerifiedOffload), e.g. into this region. */
  readonly relocateOffload?: (key: string) => string | undefined;
}

export interface DecodedRecord {
  readonly envelope: FacsimileRecord;
  readonly entity: EntityInfo;
  /** The entity message bytes (inline, or fetched and verified); undefined for a record without payload. */
  readonly payload: Uint8Array | undefined;
  /** The plain entity value, when decodeValue is on and there is a payload. */
  readonly value: PlainEntity | undefined;
  /** See payloadHash() in ../envelope/payload-hash.ts: the LWW tie-break. */
  readonly payloadHash: string;
  readonly offloaded: boolean;
}

export interface RecordDecoder {
  /** Envelope, entity and payload of one message value. */
  decode(bytes: Uint8Array): Promise<DecodedRecord>;
  /** Fetches and verifies an offloaded payload. */
  fetchOffloaded(pointer: OffloadPointer): Promise<Uint8Array>;
}

export function createRecordDecoder(
  deps: RecordDecoderDeps,
  options: Partial<RecordDecoderOptions> = {},
): RecordDecoder {
  const o = { ...DEFAULT_RECORD_DECODER_OPTIONS, ...options };

  const fetchOffloaded = (pointer: OffloadPointer): Promise<Uint8Array> =>
    fetchVerifiedOffload(deps.store, pointer, o.retry, deps.relocateOffload);

  return {
    fetchOffloaded,
    async decode(bytes) {
      const envelope = decodeRecord(bytes);
      const entity = deps.registry.entityByType(envelope.entityType);
      if (entity === undefined) throw new UnknownEntityError("entityType", envelope.entityType);
      const p = envelope.payload;
      const typeUrl =
        p.case === "entity" ? p.value.typeUrl : p.case === "offloadPointer" ? p.value.typeUrl : undefined;
      if (typeUrl !== undefined && typeUrl !== entity.typeUrl) {
        throw new RecordDecodeError(
          `payload type ${JSON.stringify(typeUrl)} does not match entity_type ${envelope.entityType} (${entity.typeUrl})`,
          { context: { typeUrl, entityType: envelope.entityType } },
        );
      }
      const payload =
        p.case === "entity"
          ? p.value.value
          : p.case === "offloadPointer"
            ? await fetchOffloaded(p.value)
            : undefined;
      return {
        envelope,
        entity,
        payload,
        value:
          o.decodeValue && payload !== undefined
            ? decodeEntity(deps.registry, entity.typeUrl, payload)
            : undefined,
        payloadHash: payloadHash(p),
        offloaded: p.case === "offloadPointer",
      };
    },
  };
}
