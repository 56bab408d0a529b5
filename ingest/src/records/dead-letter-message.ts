// What a dead letter looks like on the region's DLQ topic: the original key and bytes, untouched, so it can be
// inspected and replayed as it was, plus headers saying why and where it came from. Pure message building.
import type { ConsumedMessage, OutgoingMessage } from "@facsimile/bus";
import type { DeadLetterReason } from "../errors.js";

/** The header names of a dead letter. */
export const DLQ_HEADERS = Object.freeze({
  /** One of DEAD_LETTER_REASONS. */
  reason: "x-facsimile-dlq-reason",
  /** The error message, cut to DLQ_DETAIL_MAX_LENGTH characters. */
  detail: "x-facsimile-dlq-detail",
  /** `<topic>/<partition>/<offset>` of the original message. */
  source: "x-facsimile-dlq-source",
  /** ISO time the worker dead-lettered it. */
  time: "x-facsimile-dlq-time",
  /** With payloads in the object store: the URI of the original bytes (the message value is then empty). */
  payload: "x-facsimile-dlq-payload",
  payloadSha256: "x-facsimile-dlq-payload-sha256",
  payloadBytes: "x-facsimile-dlq-payload-bytes",
});

/** Header set on a message re-routed to another region's topic: the region it was first consumed in. */
export const REROUTED_FROM_HEADER = "x-facsimile-rerouted-from";

/** Header set on a copy of a record sent to the other data regions of its workspace: the region that accepted it. */
export const REPLICA_FROM_HEADER = "x-facsimile-replica-from";

export const DLQ_DETAIL_MAX_LENGTH = 1024;

/** The Kafka key of a message without one (the DLQ needs a key; this keeps such letters on one partition). */
const NO_KEY = "";

export function deadLetterMessage(
  message: ConsumedMessage,
  reason: DeadLetterReason,
  detail: string,
  now: number,
): OutgoingMessage {
  return {
    key: message.key ?? NO_KEY,
    value: message.value,
    headers: {
      ...message.headers,
      [DLQ_HEADERS.reason]: reason,
      [DLQ_HEADERS.detail]: detail.slice(0, DLQ_DETAIL_MAX_LENGTH),
      [DLQ_HEADERS.source]: `${message.topic}/${message.partition}/${message.offset}`,
      [DLQ_HEADERS.time]: new Date(now).toISOString(),
    },
  };
}

export function rerouteMessage(message: ConsumedMessage, fromRegion: string): OutgoingMessage {
  return {
    key: message.key ?? NO_KEY,
    value: message.value,
    headers: { ...message.headers, [REROUTED_FROM_HEADER]: fromRegion },
  };
}

export function replicaMessage(message: ConsumedMessage, fromRegion: string): OutgoingMessage {
  return {
    key: message.key ?? NO_KEY,
    value: message.value,
    headers: { ...message.headers, [REPLICA_FROM_HEADER]: fromRegion },
  };
}
