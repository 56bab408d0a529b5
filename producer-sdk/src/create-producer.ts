// The producer: what a product service calls to publish entity changes. publish() validates the change with the
// generated zod validator (nothing is sent when it fails), encodes the entity as protobuf, offloads payloads
// above the threshold to the object store (upload first, pointer second), wraps it in a FacsimileRecord keyed by
// workspace id, and hands it to the batcher of the workspace's region topic. It resolves once the transport
// acknowledged the record. Dependencies come in; the producer owns none of them and closes none of them.
import {
  createHybridLogicalClock,
  type HybridLogicalClock,
  type Logger,
  recordsTopic,
  silentLogger,
  type Transport,
} from "@facsimile/bus";
import type { RetryOptions } from "@facsimile/core";
import type { ObjectStore } from "@facsimile/object-store";
import type { WorkspaceDirectory } from "@facsimile/protocol";
import { type EncodableRecord, encodeRecord, encodeRecordWith, NO_PAYLOAD } from "@facsimile/protocol";
import {
  type EntityInputs,
  EntityValueError,
  validators as generatedValidators,
  type SchemaRegistry,
  type SizedEntity,
  sizeEntity,
  sizeEntityStrict,
  UnknownEntityError,
} from "@facsimile/schemas";
import type { z } from "zod";
import { type ChangeEnvelope, checkEnvelope } from "./build-envelope.js";
import { ByteBudget } from "./byte-budget.js";
import { compileStrictCheck, type StrictCheck } from "./compile-strict-check.js";
import {
  PayloadTooLargeError,
  ProducerClosedError,
  UnknownWorkspaceError,
  ValidationError,
  type ValidationIssue,
} from "./errors.js";
import { offloadPayload } from "./offload-payload.js";
import { RecordSlab } from "./record-slab.js";
import { TopicBatcher } from "./topic-batcher.js";

export interface ProducerOptions {
  /**
   * Check each value with its zod validator before encoding (the default). When false, only the encoder's own
   * checks apply (unknown keys, wrong types, out-of-range numbers still throw ValidationError); for callers whose
   * values are already validated.
   */
  readonly validate: boolean;
  /** Entity payloads above this many bytes are offloaded to the object store. */
  readonly offloadThresholdBytes: number;
  /** Hard maximum of an entity payload, offloaded or not: above it publish() throws PayloadTooLargeError. */
  readonly maxPayloadBytes: number;
  /**
   * How long the first record of an idle topic waits for more before its batch is sent. While a batch of the
   * topic is being sent, new records gather and leave together as soon as it is acknowledged.
   */
  readonly lingerMs: number;
  readonly maxBatchSize: number;
  /** Upper bound of record bytes per produce call. */
  readonly maxBatchBytes: number;
  /** Bytes accepted but not yet acknowledged; publish() waits while they are over this (backpressure). */
  readonly maxBytesInFlight: number;
  /** Retry budget for each upload and each batch send (retriable failures only). */
  readonly retry: Partial<RetryOptions>;
  /** Key prefix of offloaded payloads in the object store. */
  readonly offloadPrefix: string;
}

export const DEFAULT_PRODUCER_OPTIONS: Readonly<ProducerOptions> = Object.freeze({
  validate: true,
  offloadThresholdBytes: 256 * 1024,
  maxPayloadBytes: 64 * 1024 * 1024,
  lingerMs: 5,
  maxBatchSize: 5_000,
  maxBatchBytes: 4 * 1024 * 1024,
  maxBytesInFlight: 64 * 1024 * 1024,
  retry: Object.freeze({ budgetMs: 30_000 }),
  offloadPrefix: "offload",
});

/** Per entity name, the validator of its plain value (the generated zod validators by default). */
export type Validators<I> = { readonly [K in keyof I]: z.ZodType<I[K]> };

export interface ProducerDeps<I = EntityInputs> {
  readonly transport: Transport;
  readonly store: ObjectStore;
  readonly directory: WorkspaceDirectory;
  readonly registry: SchemaRegistry;
  /** Defaults to the generated validators of @facsimile/schemas (matching its default registry). */
  readonly validators?: Validators<I>;
  readonly logger?: Logger;
  /** Wall clock of the hybrid logical clock. */
  readonly clock?: () => number;
}

export interface PublishChange<V> extends ChangeEnvelope {
  readonly value: V;
}

export type DeleteChange = ChangeEnvelope;

export interface PublishReceipt {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly version: bigint;
  /** Where the payload went when it was offloaded. */
  readonly offloadedTo?: string;
}

export interface Producer<I = EntityInputs> {
  /** Publishes a new state of one resource. Resolves once the transport acknowledged it. */
  publish<E extends keyof I & string>(entity: E, change: PublishChange<I[E]>): Promise<PublishReceipt>;
  /** Publishes a tombstone: the resource is deleted as of this version. */
  delete(entity: keyof I & string, change: DeleteChange): Promise<PublishReceipt>;
  /** Sends everything accepted so far and waits for it; rejects with the first failure among those records. */
  flush(): Promise<void>;
  /** flush(), then refuse new changes. Does not close the transport or the store. */
  close(): Promise<void>;
  /** Bytes accepted and not yet acknowledged. */
  readonly bytesInFlight: number;
}

const RECORD_OVERHEAD_BYTES = 256;

/** zod's issues of a value as ValidationIssues (an unknown key is reported at the key itself). */
function zodIssuesOf(
  validator: z.ZodType,
  value: unknown,
  known?: readonly z.core.$ZodIssue[],
): ValidationIssue[] {
  const found = known ?? validator.safeParse(value).error?.issues ?? [];
  const issues: ValidationIssue[] = [];
  for (const issue of found) {
    const path = ["value", ...issue.path.map(String)];
    const keys = issue.code === "unrecognized_keys" ? issue.keys : [undefined];
    for (const key of keys) {
      issues.push({ path: (key === undefined ? path : [...path, key]).join("."), message: issue.message });
    }
  }
  return issues;
}

export function createProducer<I = EntityInputs>(
  deps: ProducerDeps<I>,
  options: Partial<ProducerOptions> = {},
): Producer<I> {
  const o: ProducerOptions = { ...DEFAULT_PRODUCER_OPTIONS, ...options };
  const custom = deps.validators as unknown as Readonly<Record<string, z.ZodType>> | undefined;
  const validators = custom ?? (generatedValidators as unknown as Readonly<Record<string, z.ZodType>>);
  const strictChecks = new Map<string, StrictCheck>();
  const strictCheckOf = (entity: string, messageName: string): StrictCheck => {
    let check = strictChecks.get(entity);
    if (check === undefined) {
      check = compileStrictCheck(deps.registry.message(messageName));
      strictChecks.set(entity, check);
    }
    return check;
  };
  const logger = deps.logger ?? silentLogger;
  const hlc: HybridLogicalClock = createHybridLogicalClock(
    deps.clock === undefined ? {} : { clock: deps.clock },
  );
  const budget = new ByteBudget(o.maxBytesInFlight);
  const slab = new RecordSlab();
  const batchers = new Map<string, TopicBatcher>();
  const inFlight = new Set<Promise<PublishReceipt>>();
  const warnedDeprecated = new Set<string>();
  let closed = false;

  const batcherOf = (topic: string): TopicBatcher => {
    let b = batchers.get(topic);
    if (b === undefined) {
      b = new TopicBatcher(topic, deps.transport, {
        lingerMs: o.lingerMs,
        maxBatchSize: o.maxBatchSize,
        maxBatchBytes: o.maxBatchBytes,
        retry: o.retry,
      });
      batchers.set(topic, b);
    }
    return b;
  };

  /** Everything that can be checked before a byte leaves: throws, and nothing is published. */
  const prepare = (entity: string, change: ChangeEnvelope, value: unknown, tombstone: boolean) => {
    if (closed) throw new ProducerClosedError();
    const info = deps.registry.entity(entity);
    if (info.status === "DEPRECATED" && !warnedDeprecated.has(entity)) {
      warnedDeprecated.add(entity);
      logger.warn("publishing a DEPRECATED entity: move to its replacement before it is removed", { entity });
    }
    const validator = validators[entity];
    if (validator === undefined) throw new UnknownEntityError("name", entity);
    const issues: ValidationIssue[] = [];
    const envelope = checkEnvelope(change, issues);
    let payload: SizedEntity | undefined;
    if (!tombstone && issues.length === 0 && custom === undefined) {
      // The hot path: the compiled strict check and the encoder's own checks, straight on the caller's value (no
      // copy; it is written before publish() returns and not kept). Only a value that fails meets zod, for the
      // full list of its issues. With validation on, a good value is checked and measured in one pass by the
      // encoder's strict codec (what zod refuses, it refuses); any other value takes the strict check, then the
      // encoder's checks, for what is wrong.
      payload = o.validate ? sizeEntityStrict(deps.registry, info.name, value) : undefined;
      if (payload === undefined) {
        try {
          const strict = o.validate ? strictCheckOf(info.name, info.messageName)(value) : undefined;
          if (strict !== undefined) issues.push({ path: `value.${strict.path}`, message: strict.message });
          else payload = sizeEntity(deps.registry, info.name, value as object);
        } catch (err) {
          if (!(err instanceof EntityValueError)) throw err;
          issues.push({ path: `value.${String(err.context.path)}`, message: err.message });
        }
      }
      if (issues.length > 0 && o.validate) {
        const zodIssues = zodIssuesOf(validator, value);
        if (zodIssues.length > 0) issues.splice(0, issues.length, ...zodIssues);
      }
    } else if (!tombstone) {
      // Custom validators (which may transform the value) or an envelope already refused: the zod path.
      const parsed: { success: true; data: unknown } | ReturnType<z.ZodType["safeParse"]> = o.validate
        ? validator.safeParse(value)
        : { success: true, data: value };
      if (!parsed.success) issues.push(...zodIssuesOf(validator, value, parsed.error.issues));
      else if (issues.length === 0) {
        try {
          payload = sizeEntity(deps.registry, info.name, parsed.data as object);
        } catch (err) {
          if (!(err instanceof EntityValueError)) throw err;
          issues.push({ path: `value.${String(err.context.path)}`, message: err.message });
        }
      }
    }
    if (issues.length > 0) throw new ValidationError(entity, issues);
    const region = deps.directory.regionOf(envelope.workspaceId);
    if (region === undefined) throw new UnknownWorkspaceError(envelope.workspaceId);
    if (payload !== undefined && payload.byteLength > o.maxPayloadBytes) {
      throw new PayloadTooLargeError(entity, payload.byteLength, o.maxPayloadBytes);
    }
    return { info, envelope, payload, topic: recordsTopic(region) };
  };

  const send = async (prepared: ReturnType<typeof prepare>, tombstone: boolean): Promise<PublishReceipt> => {
    const { info, envelope, payload, topic } = prepared;
    const entity = info.name;
    const version = envelope.version ?? hlc.now();
    const recordOf = (p: EncodableRecord["payload"]): EncodableRecord => ({
      resourceAri: envelope.resourceAri,
      entityType: info.entityType,
      workspaceId: envelope.workspaceAri,
      version,
      generationWatermark: envelope.generationWatermark,
      isTombstone: tombstone,
      payload: p,
    });
    // Encoded before the first await: the caller's value may change as soon as publish() returned. An inline
    // entity is written straight into the record's buffer (one allocation, no copy).
    const offload =
      payload !== undefined && payload.byteLength > o.offloadThresholdBytes ? payload.toBytes() : undefined;
    const inline =
      offload !== undefined
        ? undefined
        : encodeRecordWith(
            recordOf(
              payload === undefined
                ? NO_PAYLOAD
                : { case: "entity", value: { typeUrl: info.typeUrl, value: payload } },
            ),
            slab.allocate,
          );
    const reserved = (payload?.byteLength ?? 0) + RECORD_OVERHEAD_BYTES;
    if (!budget.tryAcquire(reserved)) await budget.acquire(reserved);
    try {
      let value: Uint8Array | undefined = inline;
      let offloadedTo: string | undefined;
      if (offload !== undefined) {
        const kmsKeyId = deps.directory.kmsKeyIdOf?.(envelope.workspaceId);
        const offloaded = await offloadPayload(deps.store, envelope.workspaceId, offload, {
          prefix: o.offloadPrefix,
          kmsKeyId,
          retry: o.retry,
        });
        offloadedTo = offloaded.uri;
        value = encodeRecord(
          recordOf({
            case: "offloadPointer",
            value: {
              uri: offloaded.uri,
              sha256: offloaded.sha256,
              sizeBytes: offloaded.sizeBytes,
              typeUrl: info.typeUrl,
            },
          }),
        );
        logger.debug("offloaded payload", { entity, uri: offloaded.uri, sizeBytes: offloaded.sizeBytes });
      }
      const bytes = value as Uint8Array;
      const appended = await batcherOf(topic).add({ key: envelope.workspaceId, value: bytes }, bytes.length);
      return offloadedTo === undefined
        ? { topic: appended.topic, partition: appended.partition, offset: appended.offset, version }
        : {
            topic: appended.topic,
            partition: appended.partition,
            offset: appended.offset,
            version,
            offloadedTo,
          };
    } finally {
      budget.release(reserved);
    }
  };

  const track = (p: Promise<PublishReceipt>): Promise<PublishReceipt> => {
    inFlight.add(p);
    const forget = () => inFlight.delete(p);
    p.then(forget, forget);
    return p;
  };

  const flush = async (): Promise<void> => {
    const pending = [...inFlight];
    // Records still uploading join their batch later: keep cutting until every pending publish settled.
    const settled = Promise.allSettled(pending);
    let done = false;
    void settled.then(() => {
      done = true;
    });
    while (!done) {
      await Promise.all([...batchers.values()].map((b) => b.flush()));
      await Promise.race([settled, new Promise((r) => setTimeout(r, Math.min(5, Math.max(1, o.lingerMs))))]);
    }
    const failed = (await settled).find((r) => r.status === "rejected");
    if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
  };

  return {
    // Bad input rejects before anything is tracked or sent; only accepted changes count for flush().
    publish(entity, change) {
      let prepared: ReturnType<typeof prepare>;
      try {
        prepared = prepare(entity, change, change.value, false);
      } catch (err) {
        return Promise.reject(err);
      }
      return track(send(prepared, false));
    },
    delete(entity, change) {
      let prepared: ReturnType<typeof prepare>;
      try {
        prepared = prepare(entity, change, undefined, true);
      } catch (err) {
        return Promise.reject(err);
      }
      return track(send(prepared, true));
    },
    flush,
    async close() {
      if (closed) return;
      closed = true;
      await flush();
    },
    get bytesInFlight() {
      return budget.inFlight;
    },
  };
}
