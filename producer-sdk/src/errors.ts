// Typed errors of the producer SDK and the record decoder. Bad input (ValidationError, UnknownWorkspaceError,
// PayloadTooLargeError) is never retriable and means nothing was published. PublishFailedError and
// OffloadFailedError carry the retriable flag of their cause once the retry budget is spent.
import { FacsimileError, isRetriable } from "@facsimile/core";

export interface ValidationIssue {
  /** Dotted path of the offending field, e.g. "value.fields.0.updatedAt" or "resourceAri". */
  readonly path: string;
  readonly message: string;
}

/** The change does not fit its entity or the envelope; `issues` lists every offending field. */
export class ValidationError extends FacsimileError {
  readonly issues: readonly ValidationIssue[];
  constructor(entity: string, issues: readonly ValidationIssue[]) {
    const list = issues.map((i) => `${i.path}: ${i.message}`).join("; ");
    super("VALIDATION_FAILED", `invalid ${entity} change, nothing was published: ${list}`, {
      context: { entity, paths: issues.map((i) => i.path) },
    });
    this.issues = issues;
  }
}

/** The workspace directory does not know the workspace, so there is no region (topic) to publish to. */
export class UnknownWorkspaceError extends FacsimileError {
  constructor(workspaceId: string) {
    super(
      "UNKNOWN_WORKSPACE",
      `unknown workspace ${JSON.stringify(workspaceId)}: add it to the workspace directory; nothing was published`,
      { context: { workspaceId } },
    );
  }
}

/** The encoded entity is larger than the hard maximum, even for offloading. */
export class PayloadTooLargeError extends FacsimileError {
  constructor(entity: string, sizeBytes: number, maxBytes: number) {
    super(
      "PAYLOAD_TOO_LARGE",
      `${entity} payload of ${sizeBytes} bytes exceeds the maximum of ${maxBytes} bytes; nothing was published`,
      { context: { entity, sizeBytes, maxBytes } },
    );
  }
}

/** publish()/delete()/flush() after close(). */
export class ProducerClosedError extends FacsimileError {
  constructor() {
    super("PRODUCER_CLOSED", "the producer is closed: create a new one");
  }
}

/** Uploading an offloaded payload failed within the retry budget; no record references it. */
export class OffloadFailedError extends FacsimileError {
  constructor(key: string, attempts: number, cause: unknown) {
    super(
      "OFFLOAD_FAILED",
      `uploading offloaded payload ${key} failed after ${attempts} attempt(s); nothing was published: ${String(cause)}`,
      { retriable: isRetriable(cause), cause, context: { key, attempts } },
    );
  }
}

/** The transport did not take the record within the retry budget. It may or may not have been appended. */
export class PublishFailedError extends FacsimileError {
  constructor(topic: string, attempts: number, cause: unknown) {
    super("PUBLISH_FAILED", `publishing to ${topic} failed after ${attempts} attempt(s): ${String(cause)}`, {
      retriable: isRetriable(cause),
      cause,
      context: { topic, attempts },
    });
  }
}
