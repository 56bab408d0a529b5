// KafkaTransport: the Transport on a real Kafka cluster through kafkajs. An idempotent producer with acks=all,
// one request in flight (order per partition survives retries), gzip compression, a bounded retry budget, and
// produce calls split into requests under the broker's batch size limit. Errors leave as TransportErrors that
// say whether a later retry can succeed. Partitions are chosen with the same murmur2 as LocalTransport.
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

class KafkaTransport implements Transport {
  readonly url: string;
  private readonly kafka: Kafka;
  private producer: Promise<Producer> | undefined;
  private admin: Promise<Admin> | undefined;
  private readonly partitions = new Map<string, number>();
  private readonly consumers = new Set<KafkaGroupConsumer>();
  private closed = false;

  constructor(private readonly options: KafkaTransportOptions) {
    this.url = `kafka://${options.brokers.join(",")}`;
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
    const partitions = await this.partitionCount(topic);
    if (partitions === undefined) throw new UnknownTopicError(topic, this.url);
    const rounds = planProduceRounds(topic, messages, partitions, this.options.maxRequestBytes);
    const producer = await this.connectProducer();
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
        throw toTransportError(err, "produce", { topic, messages: messages.length, round: r });
      }
    }
    return appends.sort((a, b) => a.partition - b.partition || (a.baseOffset < b.baseOffset ? -1 : 1));
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
    const producer = this.producer;
    const admin = this.admin;
    this.producer = undefined;
    this.admin = undefined;
    await Promise.all([
      producer?.then((p) => p.disconnect()).catch(() => undefined),
      admin?.then((a) => a.disconnect()).catch(() => undefined),
    ]);
  }

  private assertOpen(): void {
    if (this.closed) throw new TransportClosedError(`KafkaTransport ${this.url}`);
  }

  private connectProducer(): Promise<Producer> {
    this.assertOpen();
    if (this.producer === undefined) {
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
      this.producer = connecting.catch((err: unknown) => {
        this.producer = undefined;
        throw toTransportError(err, "connect", { brokers: this.options.brokers });
      });
    }
    return this.producer;
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
