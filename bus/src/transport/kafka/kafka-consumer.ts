// A consumer-group member on kafkajs that delivers cross-partition micro-batches. kafkajs hands over one batch
// per partition (concurrently, up to `partitionsConsumedConcurrently`); each eachBatch call adds its messages to
// the pending micro-batch and BLOCKS until onBatch has processed them. Blocking is what keeps a partition from
// having two processing owners: kafkajs cannot finish a rebalance while an eachBatch call is still running.
// Offsets are never committed automatically; commit() commits exactly what the caller says.
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from "kafkajs";
import { NotPartitionOwnerError, TransportClosedError } from "../../errors.js";
import type { Logger } from "../../logger.js";
import {
  type ConsumedBatch,
  type ConsumedMessage,
  type ConsumeOptions,
  DEFAULT_CONSUME_OPTIONS,
  type GroupConsumer,
  type TopicPartition,
  type TopicPartitionOffset,
} from "../types.js";
import { isOwnershipLost, toTransportError } from "./kafka-errors.js";

export interface KafkaConsumerSettings {
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly rebalanceTimeoutMs: number;
  readonly retries: number;
  /** How long eachBatch calls of one fetch may take to join the same micro-batch. */
  readonly gatherMs: number;
  readonly partitionsConsumedConcurrently: number;
  readonly maxBytesPerPartition: number;
}

interface Pending {
  readonly messages: ConsumedMessage[];
  readonly processed: Promise<void>;
  release(): void;
  timer: NodeJS.Timeout | undefined;
}

const decoder = new TextDecoder();

function toConsumed(topic: string, partition: number, m: KafkaMessage): ConsumedMessage {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(m.headers ?? {})) {
    if (v === undefined) continue;
    const first = Array.isArray(v) ? v[0] : v;
    if (first !== undefined) headers[k] = typeof first === "string" ? first : first.toString("utf8");
  }
  const value = m.value ?? Buffer.alloc(0);
  return {
    topic,
    partition,
    offset: BigInt(m.offset),
    key: m.key === null ? undefined : decoder.decode(m.key),
    value: new Uint8Array(value.buffer, value.byteOffset, value.byteLength),
    headers,
    timestamp: Number(m.timestamp),
  };
}

export class KafkaGroupConsumer implements GroupConsumer {
  readonly groupId: string;
  readonly done: Promise<void>;
  private readonly consumer: Consumer;
  private readonly maxBatchSize: number;
  private readonly gatherMs: number;
  private owned: TopicPartition[] = [];
  private pending: Pending | undefined;
  private processing: Promise<void> = Promise.resolve();
  private stopping = false;
  private paused = false;
  private resumed: (() => void) | undefined;
  private failure: unknown;
  private settle!: { resolve: () => void; reject: (e: unknown) => void };

  constructor(
    kafka: Kafka,
    private readonly options: ConsumeOptions,
    private readonly settings: KafkaConsumerSettings,
    private readonly logger: Logger,
  ) {
    this.groupId = options.groupId;
    this.maxBatchSize = options.maxBatchSize ?? DEFAULT_CONSUME_OPTIONS.maxBatchSize;
    const maxWaitMs = options.maxWaitMs ?? DEFAULT_CONSUME_OPTIONS.maxWaitMs;
    this.gatherMs = Math.min(settings.gatherMs, maxWaitMs);
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: settings.sessionTimeoutMs,
      heartbeatInterval: settings.heartbeatIntervalMs,
      rebalanceTimeout: settings.rebalanceTimeoutMs,
      maxWaitTimeInMs: maxWaitMs,
      maxBytesPerPartition: settings.maxBytesPerPartition,
      allowAutoTopicCreation: false,
      retry: { retries: settings.retries },
    });
    this.done = new Promise<void>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    this.done.catch(() => undefined);
  }

  async start(): Promise<void> {
    const { GROUP_JOIN, CRASH } = this.consumer.events;
    this.consumer.on(GROUP_JOIN, (e) => {
      const assigned = Object.entries(e.payload.memberAssignment)
        .flatMap(([topic, partitions]) => partitions.map((partition) => ({ topic, partition })))
        .sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
      this.owned = assigned;
      this.options.onAssignment?.(assigned);
    });
    this.consumer.on(CRASH, (e) => {
      if (e.payload.restart) return;
      this.fail(toTransportError(e.payload.error, "consume", { groupId: this.groupId }));
    });
    try {
      await this.consumer.connect();
      await this.consumer.subscribe({
        topics: [...this.options.topics],
        fromBeginning: (this.options.startFrom ?? DEFAULT_CONSUME_OPTIONS.startFrom) === "earliest",
      });
      await this.consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: true,
        partitionsConsumedConcurrently: this.settings.partitionsConsumedConcurrently,
        eachBatch: (payload) => this.eachBatch(payload),
      });
    } catch (err) {
      await this.consumer.disconnect().catch(() => undefined);
      throw toTransportError(err, "consume", { groupId: this.groupId, topics: this.options.topics });
    }
  }

  async commit(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    for (const o of offsets) {
      if (!this.isOwned(o)) throw new NotPartitionOwnerError(this.groupId, o.topic, o.partition);
    }
    try {
      await this.consumer.commitOffsets(
        offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: o.offset.toString() })),
      );
    } catch (err) {
      const first = offsets[0];
      if (isOwnershipLost(err) && first !== undefined) {
        throw new NotPartitionOwnerError(this.groupId, first.topic, first.partition);
      }
      throw toTransportError(err, "commit", { groupId: this.groupId });
    }
  }

  seek(position: TopicPartitionOffset): void {
    if (this.stopping) throw new TransportClosedError(`consumer of group ${this.groupId}`);
    if (!this.isOwned(position))
      throw new NotPartitionOwnerError(this.groupId, position.topic, position.partition);
    this.consumer.seek({
      topic: position.topic,
      partition: position.partition,
      offset: position.offset.toString(),
    });
  }

  pause(): void {
    this.paused = true;
    this.consumer.pause(this.options.topics.map((topic) => ({ topic })));
  }

  resume(): void {
    this.paused = false;
    this.consumer.resume(this.options.topics.map((topic) => ({ topic })));
    this.resumed?.();
  }

  assignment(): readonly TopicPartition[] {
    return this.owned;
  }

  async stop(): Promise<void> {
    if (!this.stopping) {
      this.stopping = true;
      // Waiters of a batch that will never be delivered return; what they held is simply not committed.
      this.pending?.release();
      this.pending = undefined;
      this.resumed?.();
      await this.processing;
      await this.consumer.disconnect().catch((err: unknown) => {
        this.logger.warn("kafka consumer disconnect failed", { groupId: this.groupId, error: String(err) });
      });
      this.owned = [];
      if (this.failure === undefined) this.settle.resolve();
      else this.settle.reject(this.failure);
    }
    await this.done.catch(() => undefined);
  }

  private fail(err: unknown): void {
    if (this.failure === undefined) this.failure = err;
    void this.stop();
  }

  private isOwned(tp: TopicPartition): boolean {
    return this.owned.some((o) => o.topic === tp.topic && o.partition === tp.partition);
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const messages = batch.messages.map((m) => toConsumed(batch.topic, batch.partition, m));
    const beat = setInterval(() => {
      payload.heartbeat().catch(() => undefined);
    }, this.settings.heartbeatIntervalMs);
    try {
      let i = 0;
      while (i < messages.length) {
        if (this.stopping || payload.isStale()) return;
        const pending = this.pendingBatch();
        const room = this.maxBatchSize - pending.messages.length;
        pending.messages.push(...messages.slice(i, i + room));
        i += room;
        if (pending.messages.length >= this.maxBatchSize) this.flush(pending);
        await pending.processed;
      }
    } finally {
      clearInterval(beat);
    }
  }

  private pendingBatch(): Pending {
    if (this.pending !== undefined) return this.pending;
    let release!: () => void;
    const processed = new Promise<void>((r) => {
      release = r;
    });
    const pending: Pending = { messages: [], processed, release, timer: undefined };
    pending.timer = setTimeout(() => this.flush(pending), this.gatherMs);
    this.pending = pending;
    return pending;
  }

  /** Closes the pending batch and queues it for onBatch; its contributors resume once it is processed. */
  private flush(pending: Pending): void {
    if (this.pending !== pending) return;
    clearTimeout(pending.timer);
    this.pending = undefined;
    this.processing = this.processing.then(async () => {
      try {
        while (this.paused && !this.stopping) await new Promise<void>((r) => (this.resumed = r));
        if (this.stopping || pending.messages.length === 0) return;
        await this.options.onBatch(toBatch(pending.messages), this);
      } catch (err) {
        this.fail(err);
      } finally {
        pending.release();
      }
    });
  }
}

function toBatch(messages: readonly ConsumedMessage[]): ConsumedBatch {
  const next = new Map<string, TopicPartitionOffset>();
  for (const m of messages) {
    next.set(`${m.topic}\u0000${m.partition}`, {
      topic: m.topic,
      partition: m.partition,
      offset: m.offset + 1n,
    });
  }
  return { messages, nextOffsets: [...next.values()] };
}
