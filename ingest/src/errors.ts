// Typed errors of the ingest worker and the reasons a record is dead-lettered or dropped. Every error is a
// FacsimileError with a stable code, a `retriable` flag (the only thing retry logic reads) and context.
// Reasons are stable strings: they are DLQ header values and metric labels, so they never change meaning.
import { FacsimileError, type FacsimileErrorOptions } from "@facsimile/core";

/**
 * Why a record went to the region's dead-letter topic (the `x-facsimile-dlq-reason` header):
 * - UNDECODABLE: the message bytes are not a FacsimileRecord (truncated, wrong wire types, bad ARIs);
 * - UNKNOWN_ENTITY: entity_type (or the payload's type url) is not in the schema registry;
 * - OFFLOAD_MISSING: the offload pointer leads nowhere (outside the store, or the object is gone);
 * - OFFLOAD_CORRUPT: the offloaded bytes do not match the pointer's size or sha256;
 * - ENTITY_UNDECODABLE: the payload bytes are not a valid message of the entity;
 * - UNKNOWN_WORKSPACE: the workspace directory does not know the workspace (when configured to dead-letter);
 * - INVALID_ENVELOPE: the envelope breaks the ARI rules (a workspace id the producer refuses, a resource ARI of
 *   another workspace);
 * - INVALID_ENTITY: the entity breaks its schema (a required field missing, an enum UNSPECIFIED, a bad ARI or
 *   timestamp);
 * - TRANSFORM_FAILED: a transform model failed on this record.
 */
export const DEAD_LETTER_REASONS = Object.freeze([
  "UNDECODABLE",
  "UNKNOWN_ENTITY",
  "OFFLOAD_MISSING",
  "OFFLOAD_CORRUPT",
  "ENTITY_UNDECODABLE",
  "UNKNOWN_WORKSPACE",
  "TRANSFORM_FAILED",
  "INVALID_ENVELOPE",
  "INVALID_ENTITY",
] as const);
export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number];

/**
 * Why a record was consumed and deliberately not ingested (metric label `reason`):
 * - wrong_region: its workspace lives in another region and the policy is to drop (or re-routing failed over);
 * - below_deletion_generation: its generation is below the workspace's deletion generation;
 * - already_in_sink: a redelivery of an offset the sink already holds (replay after a crash or rebalance);
 * - erased: the erasure registry forbids it (its workspace or resource was erased).
 */
export const DROP_REASONS = Object.freeze([
  "wrong_region",
  "below_deletion_generation",
  "already_in_sink",
  "erased",
] as const);
export type DropReason = (typeof DROP_REASONS)[number];

/** Base of the ingest package's errors. */
export class IngestError extends FacsimileError {
  constructor(code: string, message: string, options: FacsimileErrorOptions = {}) {
    super(code, message, options);
  }
}

export function isIngestError(err: unknown): err is IngestError {
  return err instanceof IngestError;
}

/** Worker or CLI configuration that cannot work (bad region, bad option values, a bad directory file). */
export class IngestConfigError extends IngestError {
  constructor(message: string, context: Readonly<Record<string, unknown>> = {}) {
    super("INGEST_CONFIG", message, { context });
  }
}

/** The worker was used in a state that does not allow it (started twice, used after stop). */
export class IngestStateError extends IngestError {
  constructor(message: string, context: Readonly<Record<string, unknown>> = {}) {
    super("INGEST_STATE", message, { context });
  }
}

/**
 * A micro-batch could not be processed for a reason that may pass (store or broker trouble). The batch was
 * not committed; the worker retries it. Carries the cause's `retriable` flag.
 */
export class BatchFailedError extends IngestError {
  constructor(stage: string, cause: unknown, context: Readonly<Record<string, unknown>> = {}) {
    super(
      "INGEST_BATCH_FAILED",
      `ingest ${stage} failed, nothing of the batch was committed: ${String(cause)}`,
      {
        retriable: (cause as { retriable?: unknown } | undefined)?.retriable === true,
        cause,
        context: { stage, ...context },
      },
    );
  }
}
