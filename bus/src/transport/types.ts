// The Transport interface: the only way the bus moves bytes. Keyed, partitioned, ordered per partition, with
// consumer groups whose committed offsets survive restarts. Implementations: KafkaTransport (everything beyond
// one machine) and LocalTransport (embedded, file-backed, one machine). Nothing here knows about records.

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/** An offset in a partition. For commits it is the NEXT offset to read (last processed + 1), as in Kafka. */
export interface TopicPartitionOffset extends TopicPartition {
  readonly offset: bigint;
}

export interface OutgoingMessage {
  /** Partitioning key (the workspace id): every message with one key lands in one partition, in order. */
  readonly key: string;
  readonly value: Uint8Array;
  readonly headers?: Readonly<Record<string, string>>;
  /** Explicit partition; by default murmur2(key) like Kafka's default partitioner. */
  readonly partition?: number;
}

/** Where a run of consecutive messages of one produce call landed. */
export interface PartitionAppend extends TopicPartition {
  readonly baseOffset: bigint;
  readonly count: number;
}

export interface ConsumedMessage extends TopicPartition {
  readonly offset: bigint;
  readonly key: string | undefined;
  readonly value: Uint8Array;
  readonly headers: Readonly<Record<string, string>>;
  /** Append time, ms since the epoch. */
  readonly timestamp: number;
}

/** A micro-batch: up to maxBatchSize messages from any of the consumer's partitions, in order per partition. */
export interface ConsumedBatch {
  readonly messages: readonly ConsumedMessage[];
  /** Per partition in the batch, the offset to commit once the whole batch is durably processed. */
  readonly nextOffsets: readonly TopicPartitionOffset[];
}

export interface TopicSpec {
  readonly topic: string;
  readonly partitions: number;
  /** Kafka topic configs (e.g. `cleanup.policy`); LocalTransport records them and ignores the rest. */
  readonly config?: Readonly<Record<string, string>>;
}

export type StartFrom = "earliest" | "latest";

export interface ConsumeOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  /**
   * Called with one batch at a time, never concurrently. Offsets are committed only by `consumer.commit()`,
   * never automatically. If it throws, the consumer stops and `done` rejects with the error; uncommitted
   * messages are delivered again to the next consumer of the group.
   */
  readonly onBatch: (batch: ConsumedBatch, consumer: GroupConsumer) => Promise<void>;
  /** Called after the set of owned partitions changed (initial assignment included). */
  readonly onAssignment?: (assigned: readonly TopicPartition[]) => void;
  /** Upper bound of messages per batch. */
  readonly maxBatchSize?: number;
  /** How long to wait for more messages before delivering a batch that is not full. */
  readonly maxWaitMs?: number;
  /** Where a partition without a committed offset starts. Default "earliest". */
  readonly startFrom?: StartFrom;
}

export const DEFAULT_CONSUME_OPTIONS = Object.freeze({
  maxBatchSize: 1000,
  maxWaitMs: 200,
  startFrom: "earliest" as StartFrom,
});

/** A running member of a consumer group. */
export interface GroupConsumer {
  readonly groupId: string;
  /** Commits offsets (next offset to read) of partitions this member owns; NotPartitionOwnerError otherwise. */
  commit(offsets: readonly TopicPartitionOffset[]): Promise<void>;
  /** The next batch of this partition starts at `offset`. Only for owned partitions. */
  seek(position: TopicPartitionOffset): void;
  /** Stops delivering batches (the group membership stays) until resume(). */
  pause(): void;
  resume(): void;
  /** Partitions owned right now. */
  assignment(): readonly TopicPartition[];
  /** Graceful stop: lets the running onBatch finish, delivers no more, leaves the group. Idempotent. */
  stop(): Promise<void>;
  /** Resolves after stop(); rejects with the error that stopped the consumer (a throwing onBatch, a crash). */
  readonly done: Promise<void>;
}

export interface Transport {
  /** Human-readable location, e.g. "kafka://127.0.0.1:19092" or "file:///var/facsimile/bus". */
  readonly url: string;
  /** Creates the topics that do not exist yet; an existing topic is left as it is. */
  createTopics(topics: readonly TopicSpec[]): Promise<void>;
  deleteTopics(topics: readonly string[]): Promise<void>;
  /** Number of partitions, or undefined when the topic does not exist. */
  partitionCount(topic: string): Promise<number | undefined>;
  /**
   * Appends the messages; resolves once they are durable (Kafka: acks=all; local: written and fsynced).
   * Messages with the same key keep their order. All or nothing is NOT promised across partitions: a
   * rejected call may have appended some messages, so producers must be idempotent (LWW records are).
   */
  produce(topic: string, messages: readonly OutgoingMessage[]): Promise<readonly PartitionAppend[]>;
  /** Joins the consumer group and starts delivering batches; resolves once it is running. */
  consume(options: ConsumeOptions): Promise<GroupConsumer>;
  /** Committed offsets of a group for a topic (partitions without a commit are absent). */
  committedOffsets(groupId: string, topic: string): Promise<readonly TopicPartitionOffset[]>;
  /** Per partition, the offset the next appended message will get (the high watermark). */
  latestOffsets(topic: string): Promise<readonly TopicPartitionOffset[]>;
  /** Stops every consumer of this transport and releases its resources. Idempotent. */
  close(): Promise<void>;
}
