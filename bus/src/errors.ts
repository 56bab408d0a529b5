// Typed errors of the bus: every one a FacsimileError with a stable code, a `retriable` flag (the only thing
// retry logic may read) and context. Messages say what was wrong, with which value, and what to do.
import { FacsimileError, type FacsimileErrorOptions } from "@facsimile/core";

/** A string that is not a well-formed ARI. */
export class InvalidAriError extends FacsimileError {
  constructor(value: string, reason: string) {
    super(
      "INVALID_ARI",
      `invalid ARI ${JSON.stringify(value)}: ${reason}; expected ari:cloud:<product>:<workspace-id>:<type>/<id>`,
      { context: { value, reason } },
    );
  }
}

/** A region name that cannot be part of a topic name. */
export class InvalidRegionError extends FacsimileError {
  constructor(region: string) {
    super(
      "INVALID_REGION",
      `invalid region ${JSON.stringify(region)}: use lowercase letters, digits and '-', 1 to 48 characters`,
      { context: { region } },
    );
  }
}

/** A FacsimileRecord that cannot be encoded as given (out-of-range numbers, missing fields). */
export class InvalidRecordError extends FacsimileError {
  constructor(reason: string, context: Readonly<Record<string, unknown>> = {}) {
    super("INVALID_RECORD", `invalid FacsimileRecord: ${reason}`, { context });
  }
}

/** Bytes that are not a FacsimileRecord: truncated, wrong wire types, or missing required parts. */
export class RecordDecodeError extends FacsimileError {
  constructor(reason: string, options: FacsimileErrorOptions = {}) {
    super("RECORD_DECODE", `cannot decode FacsimileRecord: ${reason}`, options);
  }
}

/** The hybrid logical clock saw a remote version too far ahead of the local wall clock. */
export class ClockDriftError extends FacsimileError {
  constructor(remoteMs: number, localMs: number, maxDriftMs: number) {
    super(
      "CLOCK_DRIFT",
      `remote version is ${remoteMs - localMs} ms ahead of the local clock (max ${maxDriftMs} ms): check NTP`,
      { context: { remoteMs, localMs, maxDriftMs } },
    );
  }
}

/**
 * A transport operation failed. `retriable` says whether the same call may succeed later (broker down,
 * leader moving, lock contention) or never will (unknown topic, message too large, closed transport).
 */
export class TransportError extends FacsimileError {
  constructor(code: string, message: string, options: FacsimileErrorOptions = {}) {
    super(code, message, options);
  }
}

export function isTransportError(err: unknown): err is TransportError {
  return err instanceof TransportError;
}

/** Produce or consume on a topic that does not exist. */
export class UnknownTopicError extends TransportError {
  constructor(topic: string, where: string) {
    super("UNKNOWN_TOPIC", `topic ${JSON.stringify(topic)} does not exist in ${where}: create it first`, {
      context: { topic, where },
    });
  }
}

/** An operation on a transport or consumer after close()/stop(). */
export class TransportClosedError extends TransportError {
  constructor(what: string) {
    super("TRANSPORT_CLOSED", `${what} is closed`, { context: { what } });
  }
}

/**
 * A commit or seek for a partition this consumer does not own (any more): the group rebalanced. Not retriable
 * for this consumer; the new owner resumes from the last committed offset, so idempotent sinks lose nothing.
 */
export class NotPartitionOwnerError extends TransportError {
  constructor(groupId: string, topic: string, partition: number) {
    super(
      "NOT_PARTITION_OWNER",
      `consumer of group ${JSON.stringify(groupId)} does not own ${topic}[${partition}]: the group rebalanced`,
      { context: { groupId, topic, partition } },
    );
  }
}
