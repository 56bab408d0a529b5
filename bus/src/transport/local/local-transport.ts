// LocalTransport, the embedded default bus: a file-backed append-only log per topic partition under one
// directory, consumer groups with committed offsets in files, for the processes of ONE machine (file locks and
// pid checks do not work across machines: use KafkaTransport there). Same semantics as KafkaTransport, proven
// by the shared conformance suite: per-partition order, murmur2 keyed partitioning, at-least-once redelivery.

import { EventEmitter } from "node:events";
import { rm } from "node:fs/promises";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { isIntegerInRange } from "@facsimile/core";
import { TransportClosedError, TransportError, UnknownTopicError } from "../../errors.js";
import { partitionForKey } from "../partition-for-key.js";
import type {
  ConsumeOptions,
  GroupConsumer,
  OutgoingMessage,
  PartitionAppend,
  TopicPartition,
  TopicPartitionOffset,
  TopicSpec,
  Transport,
} from "../types.js";
import { LocalConsumer, readCommitted } from "./local-consumer.js";
import { createFileAtomic, ensureDir, LocalLayout, readJson } from "./local-layout.js";
import {
  type AppendInput,
  openPartitionLog,
  type PartitionLog,
  releasePartitionLog,
} from "./partition-log.js";

export interface LocalTransportOptions {
  /** Root directory of the logs and group state; created when absent. */
  readonly directory: string;
  /** fsync every append before produce() resolves (the local analogue of acks=all). */
  readonly fsync: boolean;
  /** Member heartbeat and rebalance period. */
  readonly heartbeatIntervalMs: number;
  /** A member without a heartbeat for this long is dead and loses its partitions. */
  readonly sessionTimeoutMs: number;
  /** How often an idle consumer looks for appends of other processes (same-process appends wake it at once). */
  readonly pollIntervalMs: number;
  /** Waiting longer than this for a partition or group lock is a retriable error. */
  readonly lockTimeoutMs: number;
  /** Upper bound of bytes per consumed batch (at least one message is always delivered). */
  readonly maxBatchBytes: number;
}

export const DEFAULT_LOCAL_TRANSPORT_OPTIONS: Readonly<Omit<LocalTransportOptions, "directory">> =
  Object.freeze({
    fsync: true,
    heartbeatIntervalMs: 500,
    sessionTimeoutMs: 10_000,
    pollIntervalMs: 50,
    lockTimeoutMs: 10_000,
    maxBatchBytes: 16 << 20,
  });

interface TopicMeta {
  readonly partitions: number;
  readonly config: Readonly<Record<string, string>>;
}

/** Appends in this process wake the consumers of the same root at once instead of at their next poll. */
const appended = new EventEmitter().setMaxListeners(0);

export function createLocalTransport(
  options: Partial<LocalTransportOptions> & Pick<LocalTransportOptions, "directory">,
): Transport {
  return new LocalTransport({ ...DEFAULT_LOCAL_TRANSPORT_OPTIONS, ...options });
}

class LocalTransport implements Transport {
  readonly url: string;
  private readonly layout: LocalLayout;
  private readonly logs = new Map<string, PartitionLog>();
  private readonly metas = new Map<string, TopicMeta>();
  private readonly consumers = new Set<LocalConsumer>();
  private closed = false;

  constructor(private readonly options: LocalTransportOptions) {
    const root = resolve(options.directory);
    this.layout = new LocalLayout(root);
    this.url = pathToFileURL(root).href;
  }

  async createTopics(topics: readonly TopicSpec[]): Promise<void> {
    this.assertOpen();
    for (const spec of topics) {
      if (!isIntegerInRange(spec.partitions, { min: 1 })) {
        throw new TransportError(
          "INVALID_TOPIC",
          `topic ${spec.topic}: partitions must be a positive integer`,
          {
            context: { topic: spec.topic, partitions: spec.partitions },
          },
        );
      }
      await ensureDir(this.layout.topicDir(spec.topic));
      const meta: TopicMeta = { partitions: spec.partitions, config: spec.config ?? {} };
      await createFileAtomic(this.layout.topicMeta(spec.topic), JSON.stringify(meta));
    }
  }

  async deleteTopics(topics: readonly string[]): Promise<void> {
    this.assertOpen();
    for (const topic of topics) {
      for (const [key, log] of this.logs) {
        if (key.startsWith(`${topic}\u0000`)) {
          this.logs.delete(key);
          await releasePartitionLog(log);
        }
      }
      this.metas.delete(topic);
      await rm(this.layout.topicDir(topic), { recursive: true, force: true });
    }
  }

  async partitionCount(topic: string): Promise<number | undefined> {
    return (await this.meta(topic))?.partitions;
  }

  async produce(topic: string, messages: readonly OutgoingMessage[]): Promise<readonly PartitionAppend[]> {
    this.assertOpen();
    const partitions = await this.requirePartitions(topic);
    const byPartition = new Map<number, AppendInput[]>();
    for (const m of messages) {
      const p = m.partition ?? partitionForKey(m.key, partitions);
      if (!isIntegerInRange(p, { min: 0, max: partitions - 1 })) {
        throw new TransportError("INVALID_PARTITION", `topic ${topic} has no partition ${p}`, {
          context: { topic, partition: p, partitions },
        });
      }
      const list = byPartition.get(p) ?? [];
      byPartition.set(p, list);
      list.push({ key: m.key, value: m.value, headers: m.headers ?? {} });
    }
    const now = Date.now();
    const results = await Promise.all(
      [...byPartition].map(async ([partition, inputs]) => ({
        topic,
        partition,
        baseOffset: await this.log(topic, partition).append(inputs, now, this.options.fsync),
        count: inputs.length,
      })),
    );
    appended.emit(this.layout.root);
    return results.sort((a, b) => a.partition - b.partition);
  }

  async consume(options: ConsumeOptions): Promise<GroupConsumer> {
    this.assertOpen();
    for (const topic of options.topics) await this.requirePartitions(topic);
    const consumer = new LocalConsumer(
      {
        layout: this.layout,
        heartbeatIntervalMs: this.options.heartbeatIntervalMs,
        sessionTimeoutMs: this.options.sessionTimeoutMs,
        pollIntervalMs: this.options.pollIntervalMs,
        lockTimeoutMs: this.options.lockTimeoutMs,
        maxBatchBytes: this.options.maxBatchBytes,
        partitionsOf: (topics) => this.partitionsOf(topics),
        log: (topic, partition) => this.log(topic, partition),
        waitForAppend: (ms) => this.waitForAppend(ms),
        onStopped: (c) => this.consumers.delete(c),
      },
      options,
    );
    this.consumers.add(consumer);
    await consumer.start();
    return consumer;
  }

  async committedOffsets(groupId: string, topic: string): Promise<readonly TopicPartitionOffset[]> {
    return readCommitted(this.layout, groupId, topic);
  }

  async latestOffsets(topic: string): Promise<readonly TopicPartitionOffset[]> {
    const partitions = await this.requirePartitions(topic);
    return Promise.all(
      Array.from({ length: partitions }, async (_, partition) => ({
        topic,
        partition,
        offset: await this.log(topic, partition).nextOffset(),
      })),
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.consumers].map((c) => c.stop()));
    for (const log of this.logs.values()) await releasePartitionLog(log);
    this.logs.clear();
  }

  private assertOpen(): void {
    if (this.closed) throw new TransportClosedError(`LocalTransport ${this.url}`);
  }

  private async meta(topic: string): Promise<TopicMeta | undefined> {
    let meta = this.metas.get(topic);
    if (meta === undefined) {
      meta = await readJson<TopicMeta>(this.layout.topicMeta(topic));
      if (meta !== undefined) this.metas.set(topic, meta);
    }
    return meta;
  }

  private async requirePartitions(topic: string): Promise<number> {
    const meta = await this.meta(topic);
    if (meta === undefined) throw new UnknownTopicError(topic, this.url);
    return meta.partitions;
  }

  private async partitionsOf(topics: readonly string[]): Promise<TopicPartition[]> {
    const out: TopicPartition[] = [];
    for (const topic of [...topics].sort()) {
      const n = (await this.meta(topic))?.partitions ?? 0;
      for (let partition = 0; partition < n; partition++) out.push({ topic, partition });
    }
    return out;
  }

  private log(topic: string, partition: number): PartitionLog {
    const key = `${topic}\u0000${partition}`;
    let log = this.logs.get(key);
    if (log === undefined) {
      log = openPartitionLog(this.layout.partitionLog(topic, partition), this.options.lockTimeoutMs);
      this.logs.set(key, log);
    }
    return log;
  }

  private waitForAppend(ms: number): Promise<void> {
    return new Promise((done) => {
      const root = this.layout.root;
      const wake = () => {
        clearTimeout(timer);
        appended.off(root, wake);
        done();
      };
      const timer = setTimeout(wake, Math.max(0, ms));
      appended.on(root, wake);
    });
  }
}
