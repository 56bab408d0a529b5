// Typed errors of the bus (transports, topics, the clock): every one a FacsimileError with a stable code, a `retriable` flag (the only thing
// retry logic may read) and context. Messages say what was wrong, with which value, and what to do.
import { FacsimileError, type FacsimileErrorOptions } from "@facsimile/core";

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
