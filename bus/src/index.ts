// Public surface of @facsimile/bus: the FacsimileRecord envelope codec, ARIs, last-writer-wins ordering,
// topic names, the hybrid logical clock, and the Transport interface with its Kafka and local implementations.

export {
  type Ari,
  ariEquals,
  isValidAri,
  isWorkspaceAri,
  MAX_ARI_LENGTH,
  WORKSPACE_ID_PATTERN,
  workspaceAri,
} from "./ari/ari.js";
export { formatAri } from "./ari/format-ari.js";
export { parseAri, tryParseAri } from "./ari/parse-ari.js";
export { workspaceAriString, workspaceKey } from "./ari/workspace-key.js";
export {
  DEFAULT_DECODE_RECORD_OPTIONS,
  type DecodeRecordOptions,
  decodeRecord,
} from "./envelope/decode-record.js";
export { decodeRecordWithDescriptors, encodeRecordWithDescriptors } from "./envelope/descriptor-codec.js";
export { type EncodableRecord, encodeRecord, type SizedPayload } from "./envelope/encode-record.js";
export { EMPTY_SHA256, payloadHash, recordLwwKey, sha256Hex } from "./envelope/payload-hash.js";
export {
  type AnyPayload,
  ENVELOPE_MESSAGE,
  type FacsimileRecord,
  NO_PAYLOAD,
  type OffloadPointer,
  type RecordPayload,
} from "./envelope/record.js";
export {
  ClockDriftError,
  InvalidAriError,
  InvalidRecordError,
  InvalidRegionError,
  isTransportError,
  NotPartitionOwnerError,
  RecordDecodeError,
  TransportClosedError,
  TransportError,
  UnknownTopicError,
} from "./errors.js";
export { consoleLogger, type LogContext, type Logger, silentLogger } from "./logger.js";
export { compareLww, type LwwKey, lwwMax, lwwWinner } from "./ordering/lww-key.js";
export {
  createRegionTopics,
  DEFAULT_REGION_TOPICS_OPTIONS,
  type RegionTopicsOptions,
} from "./topics/create-region-topics.js";
export {
  assertRegion,
  dlqTopic,
  parseTopicName,
  type RegionTopics,
  recordsTopic,
  regionTopics,
  type TopicKind,
} from "./topics/topic-names.js";
export {
  type ConformanceTestApi,
  DEFAULT_TRANSPORT_CONFORMANCE_OPTIONS,
  describeTransportConformance,
  type TransportConformanceOptions,
} from "./transport/conformance.js";
export type { KafkaConsumerSettings } from "./transport/kafka/kafka-consumer.js";
export {
  createKafkaTransport,
  DEFAULT_KAFKA_TRANSPORT_OPTIONS,
  type KafkaTransportOptions,
} from "./transport/kafka/kafka-transport.js";
export {
  createLocalTransport,
  DEFAULT_LOCAL_TRANSPORT_OPTIONS,
  type LocalTransportOptions,
} from "./transport/local/local-transport.js";
export { murmur2, partitionForKey } from "./transport/partition-for-key.js";
export {
  type ConsumedBatch,
  type ConsumedMessage,
  type ConsumeOptions,
  DEFAULT_CONSUME_OPTIONS,
  type GroupConsumer,
  type OutgoingMessage,
  type PartitionAppend,
  type StartFrom,
  type TopicPartition,
  type TopicPartitionOffset,
  type TopicSpec,
  type Transport,
} from "./transport/types.js";
export {
  createHybridLogicalClock,
  DEFAULT_HLC_OPTIONS,
  type HybridLogicalClock,
  type HybridLogicalClockOptions,
  hlcParts,
  hlcVersion,
} from "./version/hybrid-logical-clock.js";
