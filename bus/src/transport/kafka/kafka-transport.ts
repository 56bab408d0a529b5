// KafkaTransport: the Transport on a real Kafka cluster through kafkajs. Producing goes through `producerLanes`
// idempotent kafkajs producers (acks=all, one request in flight each): partition p always goes through lane
// p % lanes, each lane sends its requests one after another in call order, and the lanes run side by side, so
// the broker works on several requests at once while the order per partition and the broker's deduplication of
// retries are kept (kafkajs numbers an idempotent producer's batches per partition and allows no pipelining).
// gzip compression, a bounded retry budget, and produce calls split into requests under the broker's batch size
// limit. Errors leave as TransportErrors that say whether a later retry can succeed. Partitions are chosen with
// the same murmur2 as LocalTransport.
import {
  type Admin,
  CompressionTypes,
  type IHeaders,
  Kafka,
  logLevel as KafkaLogLevel,
  type LogEntry,
  type Message,
  Partitioners,
  type Producer,
} from "kafkajs";
import { TransportClosedError, UnknownTopicError } from "../../errors.js";
import { type Logger, silentLogger } from "../../logger.js";
import { partitionForKey } from "../partition-for-key.js";
import type {
  ConsumeOptions,
  GroupConsumer,
  OutgoingMessage,
  PartitionAppend,
  TopicPartitionOffset,
  TopicSpec,
  Transport,
} from "../types.js";
import { type KafkaConsumerSettings, KafkaGroupConsumer } from "./kafka-consumer.js";
import { toTransportError } from "./kafka-errors.js";
import { planProduceRounds } from "./plan-produce-rounds.js";

export interface KafkaTransportOptions extends KafkaConsumerSettings {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly compression: "gzip" | "none";
  /** Retries of one request before the call fails (retriable TransportError when the cause was transient). */
  readonly retries: number;
  readonly initialRetryTimeMs: number;
  readonly maxRetryTimeMs: number;
  readonly connectionTimeoutMs: number;
  readonly requestTimeoutMs: number;
  /** Upper bound of uncompressed bytes per partition per produce request (brokers default to 1 MiB batches). */
  readonly maxRequestBytes: number;
  /**
   * Idempotent producers that send side by side, each owning the partitions p with p % lanes === its index
   * (one connection each; 1 is kafkajs' plain one-request-at-a-time producer).
   */
  readonly producerLanes: number;
  /** Replication factor of created topics; -1 takes the broker's default. */
  readonly replicationFactor: number;
  readonly logger: Logger;
}

export const DEFAULT_KAFKA_TRANSPORT_OPTIONS: Readonly<Omit<KafkaTransportOptions, "brokers">> =
  Object.freeze({
    clientId: "facsimile",
    compression: "gzip",
    retries: 5,
    initialRetryTimeMs: 300,
    maxRetryTimeMs: 5_000,
    connectionTimeoutMs: 3_000,
    requestTimeoutMs: 30_000,
    maxRequestBytes: 900_000,
    producerLanes: 4,
    replicationFactor: -1,
    sessionTimeoutMs: 30_000,
    heartbeatIntervalMs: 3_000,
    rebalanceTimeoutMs: 60_000,
    gatherMs: 20,
    partitionsConsumedConcurrently: 32,
    maxBytesPerPartition: 1 << 20,
    logger: silentLogger,
  });

export function createKafkaTransport(
  options: Partial<KafkaTransportOptions> & Pick<KafkaTransportOptions, "brokers">,
): Transport {
  return new KafkaTransport({ ...DEFAULT_KAFKA_TRANSPORT_OPTIONS, ...options });
}

function kafkaLogCreator(logger: Logger) {
  return () =>
    ({ level, log }: LogEntry): void => {
      const { message, ...context } = log;
      if (level === KafkaLogLevel.ERROR) logger.error(message, context);
      else if (level === KafkaLogLevel.WARN) logger.warn(message, context);
      else if (level === KafkaLogLevel.INFO) logger.info(message, context);
      else logger.debug(message, context);
    };
}

/** One idempotent producer and the tail of its requests (each starts when the one before settled). */
interface ProducerLane {
  producer: Promise<Producer> | undefined;
  tail: Promise<unknown>;
}

class KafkaTransport implements Transport {
  readonly url: string;
  private readonly kafka: Kafka;
  private readonly lanes: ProducerLane[];
  /** Produce calls are planned one after another, so that they reach every lane in call order. */
  private planning: Promise<unknown> = Promise.resolve();
  private admin: Promise<Admin> | undefined;
  private readonly partitions = new Map<string, number>();
  private readonly consumers = new Set<KafkaGroupConsumer>();
  private closed = false;

  constructor(private readonly options: KafkaTransportOptions) {
    this.url = `kafka://${options.brokers.join(",")}`;
    this.lanes = Array.from({ length: Math.max(1, Math.floor(options.producerLanes)) }, () => ({
      producer: undefined,
      tail: Promise.resolve(),
    }));
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: [...options.brokers],
      connectionTimeout: options.connectionTimeoutMs,
      requestTimeout: options.requestTimeoutMs,
      retry: {
        retries: options.retries,
        initialRetryTime: options.initialRetryTimeMs,
        maxRetryTime: options.maxRetryTimeMs,
      },
      logLevel: KafkaLogLevel.WARN,
      logCreator: kafkaLogCreator(options.logger),
    });
  }

  async createTopics(topics: readonly TopicSpec[]): Promise<void> {
    const admin = await this.connectAdmin();
    try {
      const existing = new Set(await admin.listTopics());
      const missing = topics.filter((t) => !existing.has(t.topic));
      if (missing.length === 0) return;
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((t) => ({
          topic: t.topic,
          numPartitions: t.partitions,
          replicationFactor: this.options.replicationFactor,
          configEntries: Object.entries(t.config ?? {}).map(([name, value]) => ({ name, value })),
        })),
      });
    } catch (err) {
      throw toTransportError(err, "createTopics", { topics: topics.map((t) => t.topic) });
    }
  }

  async deleteTopics(topics: readonly string[]): Promise<void> {
    const admin = await this.connectAdmin();
    try {
      const existing = new Set(await admin.listTopics());
      const present = topics.filter((t) => existing.has(t));
      for (const t of topics) this.partitions.delete(t);
      if (present.length > 0) await admin.deleteTopics({ topics: present });
    } catch (err) {
      throw toTransportError(err, "deleteTopics", { topics });
    }
  }

  async partitionCount(topic: string): Promise<number | undefined> {
    const known = this.partitions.get(topic);
    if (known !== undefined) return known;
    const admin = await this.connectAdmin();
    try {
      if (!(await admin.listTopics()).includes(topic)) return undefined;
      const meta = await admin.fetchTopicMetadata({ topics: [topic] });
      const count = meta.topics[0]?.partitions.length;
      if (count !== undefined && count > 0) this.partitions.set(topic, count);
      return count;
    } catch (err) {
      throw toTransportError(err, "partitionCount", { topic });
    }
  }

  async produce(topic: string, messages: readonly OutgoingMessage[]): Promise<readonly PartitionAppend[]> {
    this.assertOpen();
    if (messages.length === 0) return [];
    // Planned in call order (the partition count may need a metadata request), then queued on each lane at once.
    const queued = this.planning.then(async () => {
      const partitions = await this.partitionCount(topic);
      if (partitions === undefined) throw new UnknownTopicError(topic, this.url);
      const byLane = new Map<number, OutgoingMessage[]>();
      for (const m of messages) {
        const partition = m.partition ?? partitionForKey(m.key, partitions);
        // An invalid partition goes to lane 0, where planProduceRounds refuses it with INVALID_PARTITION.
        const lane = Number.isInteger(partition) && partition >= 0 ? partition % this.lanes.length : 0;
        const list = byLane.get(lane) ?? [];
        byLane.set(lane, list);
        list.push(m.partition === partition ? m : { ...m, partition });
      }
      return [...byLane].map(([index, laneMessages]) => {
        const lane = this.lanes[index] as ProducerLane;
        const run = lane.tail.then(() => this.produceOnLane(index, topic, laneMessages, partitions));
        lane.tail = run.catch(() => undefined);
        return run;
      });
    });
    this.planning = queued.catch(() => undefined);
    const settled = await Promise.allSettled(await queued);
    const failed = settled.find((r) => r.status === "rejected");
    if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
    const appends = settled.flatMap((r) => (r as PromiseFulfilledResult<PartitionAppend[]>).value);
    return appends.sort((a, b) => a.partition - b.partition || (a.baseOffset < b.baseOffset ? -1 : 1));
  }

  /** The messages of one lane, in requests under the size limit, one after another. */
  private async produceOnLane(
    index: number,
    topic: string,
    messages: readonly OutgoingMessage[],
    partitions: number,
  ): Promise<PartitionAppend[]> {
    const rounds = planProduceRounds(topic, messages, partitions, this.options.maxRequestBytes);
    const producer = await this.connectProducer(index);
    const appends: PartitionAppend[] = [];
    for (const [r, round] of rounds.entries()) {
      const counts = new Map(round.map((c) => [c.partition, c.messages.length]));
      // One kafkajs message per record, over the record's own bytes and headers (no copies).
      const batch: Message[] = [];
      for (const chunk of round) {
        for (const m of chunk.messages) {
          const value = Buffer.isBuffer(m.value)
            ? m.value
            : Buffer.from(m.value.buffer, m.value.byteOffset, m.value.byteLength);
          batch.push(
            m.headers === undefined
              ? { key: m.key, value, partition: chunk.partition }
              : { key: m.key, value, partition: chunk.partition, headers: m.headers as IHeaders },
          );
        }
      }
      try {
        const metadata = await producer.send({
          topic,
          messages: batch,
          acks: -1,
          timeout: this.options.requestTimeoutMs,
          compression: this.options.compression === "gzip" ? CompressionTypes.GZIP : CompressionTypes.None,
        });
        for (const md of metadata) {
          appends.push({
            topic,
            partition: md.partition,
            baseOffset: BigInt(md.baseOffset ?? md.offset ?? "-1"),
            count: counts.get(md.partition) ?? 0,
          });
        }
      } catch (err) {
        this.partitions.delete(topic);
        throw toTransportError(err, "produce", { topic, messages: messages.length, round: r, lane: index });
      }
    }
    return appends;
  }

  async consume(options: ConsumeOptions): Promise<GroupConsumer> {
    this.assertOpen();
    for (const topic of options.topics) {
      if ((await this.partitionCount(topic)) === undefined) throw new UnknownTopicError(topic, this.url);
    }
    const consumer = new KafkaGroupConsumer(this.kafka, options, this.options, this.options.logger);
    await consumer.start();
    this.consumers.add(consumer);
    consumer.done.finally(() => this.consumers.delete(consumer)).catch(() => undefined);
    return consumer;
  }

  async committedOffsets(groupId: string, topic: string): Promise<readonly TopicPartitionOffset[]> {
    const admin = await this.connectAdmin();
    try {
      const result = await admin.fetchOffsets({ groupId, topics: [topic] });
      return (result[0]?.partitions ?? [])
        .filter((p) => BigInt(p.offset) >= 0n)
        .map((p) => ({ topic, partition: p.partition, offset: BigInt(p.offset) }))
        .sort((a, b) => a.partition - b.partition);
    } catch (err) {
      throw toTransportError(err, "committedOffsets", { groupId, topic });
    }
  }

  async latestOffsets(topic: string): Promise<readonly TopicPartitionOffset[]> {
    const admin = await this.connectAdmin();
    try {
      const offsets = await admin.fetchTopicOffsets(topic);
      return offsets
        .map((o) => ({ topic, partition: o.partition, offset: BigInt(o.high) }))
        .sort((a, b) => a.partition - b.partition);
    } catch (err) {
      throw toTransportError(err, "latestOffsets", { topic });
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.consumers].map((c) => c.stop()));
    const producers = this.lanes.map((lane) => lane.producer);
    const admin = this.admin;
    for (const lane of this.lanes) lane.producer = undefined;
    this.admin = undefined;
    await Promise.all([
      ...producers.map((producer) => producer?.then((p) => p.disconnect()).catch(() => undefined)),
      admin?.then((a) => a.disconnect()).catch(() => undefined),
    ]);
  }

  private assertOpen(): void {
    if (this.closed) throw new TransportClosedError(`KafkaTransport ${this.url}`);
  }

  private connectProducer(index: number): Promise<Producer> {
    this.assertOpen();
    const lane = this.lanes[index] as ProducerLane;
    if (lane.producer === undefined) {
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        // Partitions are chosen by partitionForKey; this only silences kafkajs' v2 partitioner notice.
        createPartitioner: Partitioners.DefaultPartitioner,
        allowAutoTopicCreation: false,
        retry: {
          retries: this.options.retries,
          initialRetryTime: this.options.initialRetryTimeMs,
          maxRetryTime: this.options.maxRetryTimeMs,
        },
      });
      const connecting = producer.connect().then(() => producer);
      // A failed connect is not cached: the next call tries again.
      lane.producer = connecting.catch((err: unknown) => {
        lane.producer = undefined;
        throw toTransportError(err, "connect", { brokers: this.options.brokers });
      });
    }
    return lane.producer;
  }

  private connectAdmin(): Promise<Admin> {
    this.assertOpen();
    if (this.admin === undefined) {
      const admin = this.kafka.admin({
        retry: {
          retries: this.options.retries,
          initialRetryTime: this.options.initialRetryTimeMs,
          maxRetryTime: this.options.maxRetryTimeMs,
        },
      });
      this.admin = admin
        .connect()
        .then(() => admin)
        .catch((err: unknown) => {
          this.admin = undefined;
          throw toTransportError(err, "connect", { brokers: this.options.brokers });
        });
    }
    return this.admin;
  }
}
