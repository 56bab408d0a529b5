// The consumer side of the protocol (used by ingest): bytes of a bus message -> envelope, entity info, payload
// bytes (fetched from the object store when offloaded, checked against the pointer's size and sha256) and,
// optionally, the decoded entity value. Every failure is typed: retriable ones (store unavailable) are worth
// retrying, the others mean the record belongs in the dead-letter topic.
import {
  decodeRecord,
  type FacsimileRecord,
  type OffloadPointer,
  payloadHash,
  RecordDecodeError,
  sha256Hex,
} from "@facsimile/bus";
import { keyProblem, type ObjectStore } from "@facsimile/lake/object-store";
import {
  decodeEntity,
  type EntityInfo,
  type PlainEntity,
  type SchemaRegistry,
  UnknownEntityError,
} from "@facsimile/schemas";
import { OffloadIntegrityError, OffloadUnresolvableError } from "./errors.js";
import { keyOfOffloadUri } from "./offload-payload.js";
import { RetryExhausted, type RetryOptions, retryWithinBudget } from "./retry-within-budget.js";

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
}

export interface DecodedRecord {
  readonly envelope: FacsimileRecord;
  readonly entity: EntityInfo;
  /** The entity message bytes (inline, or fetched and verified); undefined for a record without payload. */
  readonly payload: Uint8Array | undefined;
  /** The plain entity value, when decodeValue is on and there is a payload. */
  readonly value: PlainEntity | undefined;
  /** See payloadHash() in @facsimile/bus: the LWW tie-break. */
  readonly payloadHash: string;
  readonly offloaded: boolean;
}

export interface RecordDecoder {
  /** Envelope, entity and payload of one message value. */
  decode(bytes: Uint8Array): Promise<DecodedRecord>;
  /** Fetches and verifies an offloaded payload. */
  fetchOffloaded(pointer: OffloadPointer): Promise<Uint8Array>;
}

/** Longest offload key accepted, in UTF-8 bytes (S3's limit), and longest segment (file systems' NAME_MAX). */
export const MAX_OFFLOAD_KEY_BYTES = 1024;
export const MAX_OFFLOAD_KEY_SEGMENT_BYTES = 255;

/** Why the store would refuse `key` (or fail on it), or undefined when it is fine. */
export function offloadKeyProblem(key: string): string | undefined {
  const problem = keyProblem(key);
  if (problem !== undefined) return problem;
  if (Buffer.byteLength(key, "utf8") > MAX_OFFLOAD_KEY_BYTES)
    return `longer than ${MAX_OFFLOAD_KEY_BYTES} bytes`;
  if (key.split("/").some((s) => Buffer.byteLength(s, "utf8") > MAX_OFFLOAD_KEY_SEGMENT_BYTES))
    return `a segment longer than ${MAX_OFFLOAD_KEY_SEGMENT_BYTES} bytes`;
  return undefined;
}

export function createRecordDecoder(
  deps: RecordDecoderDeps,
  options: Partial<RecordDecoderOptions> = {},
): RecordDecoder {
  const o = { ...DEFAULT_RECORD_DECODER_OPTIONS, ...options };

  const fetchOffloaded = async (pointer: OffloadPointer): Promise<Uint8Array> => {
    const store = deps.store;
    if (store === undefined)
      throw new OffloadUnresolvableError(pointer.uri, "(none)", "needs an object store");
    const key = keyOfOffloadUri(store, pointer.uri);
    if (key === undefined)
      throw new OffloadUnresolvableError(pointer.uri, store.url, "is outside the object store");
    // A key the store would refuse is the record's fault, like a missing object: never a store failure.
    const problem = offloadKeyProblem(key);
    if (problem !== undefined)
      throw new OffloadUnresolvableError(
        pointer.uri.slice(0, 300),
        store.url,
        `names an invalid key (${problem})`,
      );
    let bytes: Uint8Array;
    try {
      bytes = await retryWithinBudget(() => store.get(key), o.retry);
    } catch (err) {
      const cause = err instanceof RetryExhausted ? err.cause : err;
      const code = (cause as { code?: unknown }).code;
      if (code === "OBJECT_NOT_FOUND") {
        throw new OffloadUnresolvableError(pointer.uri, store.url, "points to a missing object", cause);
      }
      if (code === "INVALID_OBJECT_KEY") {
        throw new OffloadUnresolvableError(
          pointer.uri.slice(0, 300),
          store.url,
          "names an invalid key",
          cause,
        );
      }
      throw cause;
    }
    if (bytes.length !== pointer.sizeBytes) {
      throw new OffloadIntegrityError(
        pointer.uri,
        `has ${bytes.length} bytes, the pointer says ${pointer.sizeBytes}`,
      );
    }
    const sha = sha256Hex(bytes);
    if (sha !== pointer.sha256.toLowerCase()) {
      throw new OffloadIntegrityError(pointer.uri, `has sha256 ${sha}, the pointer says ${pointer.sha256}`);
    }
    return bytes;
  };

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
