// Typed errors of the replication protocol: malformed ARIs, regions and records, and offloaded payloads that
// cannot be resolved or do not match their pointer. Each a FacsimileError (@facsimile/core); none is retriable:
// bad input belongs in the dead-letter topic.
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

/** An offloaded payload does not match its pointer (size or sha256): corrupt or replaced. Dead-letter it. */
export class OffloadIntegrityError extends FacsimileError {
  constructor(uri: string, problem: string) {
    super("OFFLOAD_INTEGRITY", `offloaded payload ${uri} ${problem}`, { context: { uri } });
  }
}

/** An offload pointer whose URI is not inside the decoder's object store, or whose object is missing. */
export class OffloadUnresolvableError extends FacsimileError {
  constructor(uri: string, storeUrl: string, problem: string, cause?: unknown) {
    super("OFFLOAD_UNRESOLVABLE", `offload pointer ${uri} ${problem} (store ${storeUrl})`, {
      context: { uri, storeUrl },
      cause,
    });
  }
}
