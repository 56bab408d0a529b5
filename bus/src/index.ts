// Public surface of @facsimile/bus: transports (the Transport interface, Kafka and the embedded local log), topic
// names, the hybrid logical clock and the logger. The envelope, ARIs and last-writer-wins are @facsimile/protocol.

export {
  ClockDriftError,
  isTransportError,
  NotPartitionOwnerError,
  TransportClosedError,
  TransportError,
  UnknownTopicError,
} from "./errors.js";
export { consoleLogger, type LogContext, type Logger, silentLogger } from "./logger.js";
export {
  createRegionTopics,
  DEFAULT_REGION_TOPICS_OPTIONS,
  type RegionTopicsOptions,
} from "./topics/create-region-topics.js";
export {
  dlqTopic,
  parseTopicName,
  type RegionTopics,
  recordsTopic,
  regionTopics,
  type TopicKind,
} from "./topics/topic-names.js";
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
