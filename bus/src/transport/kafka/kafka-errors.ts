// Turns kafkajs errors into TransportErrors. The `retriable` flag means "the same call may succeed later":
// kafkajs' own flag, except that an exhausted retry budget over a retriable cause (broker down, leader moving)
// stays retriable for our caller, who has a budget of its own.
import { TransportError, UnknownTopicError } from "../../errors.js";

interface KafkaJsErrorLike {
  readonly name?: string;
  readonly message?: string;
  readonly retriable?: boolean;
  readonly type?: string;
  readonly cause?: unknown;
}

const OWNERSHIP_LOST = new Set(["REBALANCE_IN_PROGRESS", "ILLEGAL_GENERATION", "UNKNOWN_MEMBER_ID"]);

export function isOwnershipLost(err: unknown): boolean {
  const e = err as KafkaJsErrorLike;
  return e?.type !== undefined && OWNERSHIP_LOST.has(e.type);
}

export function toTransportError(
  err: unknown,
  operation: string,
  context: Readonly<Record<string, unknown>> = {},
): TransportError {
  if (err instanceof TransportError) return err;
  const e = (err ?? {}) as KafkaJsErrorLike;
  const root = e.name === "KafkaJSNumberOfRetriesExceeded" ? ((e.cause ?? {}) as KafkaJsErrorLike) : e;
  if (root.type === "UNKNOWN_TOPIC_OR_PARTITION" && typeof context.topic === "string") {
    return new UnknownTopicError(context.topic, "the Kafka cluster");
  }
  const retriable =
    e.name === "KafkaJSNumberOfRetriesExceeded" ? root.retriable !== false : e.retriable === true;
  const kind = root.type ?? root.name ?? "ERROR";
  return new TransportError(
    `KAFKA_${kind
      .replace(/^KafkaJS/, "")
      .replace(/([a-z])([A-Z])/g, "$1_$2")
      .toUpperCase()}`,
    `kafka ${operation} failed: ${e.message ?? String(err)}${retriable ? " (retriable)" : ""}`,
    { retriable, cause: err, context: { ...context, kafkaError: e.name, type: root.type } },
  );
}
