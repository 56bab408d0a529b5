// A consumer-group member of LocalTransport: rebalances between batches, reads micro-batches from the partitions
// it owns (up to maxBatchSize, lingering up to maxWaitMs for a full one), hands them to onBatch one at a time,
// and commits only when asked. Committed offsets are files, so they survive a restart of the process.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { NotPartitionOwnerError, TransportClosedError } from "../../errors.js";
import {
  type ConsumedBatch,
  type ConsumedMessage,
  type ConsumeOptions,
  DEFAULT_CONSUME_OPTIONS,
  type GroupConsumer,
  type TopicPartition,
  type TopicPartitionOffset,
} from "../types.js";
import { GroupMember, tpKey } from "./group-member.js";
import { ensureDir, type LocalLayout, writeFileAtomic } from "./local-layout.js";
import type { PartitionLog } from "./partition-log.js";

/** What the consumer needs from its transport; passed in so that the consumer never reaches for globals. */
export interface LocalConsumerContext {
  readonly layout: LocalLayout;
  readonly heartbeatIntervalMs: number;
  readonly sessionTimeoutMs: number;
  readonly pollIntervalMs: number;
  readonly lockTimeoutMs: number;
  readonly maxBatchBytes: number;
  /** The partitions of the subscribed topics, sorted. */
  partitionsOf(topics: readonly string[]): Promise<TopicPartition[]>;
  log(topic: string, partition: number): PartitionLog;
  /** Resolves at the next append to this transport's root, or after `ms`. */
  waitForAppend(ms: number): Promise<void>;
  onStopped(consumer: LocalConsumer): void;
}

export async function readCommitted(layout: LocalLayout, groupId: string, topic: string) {
  const dir = layout.offsetsDir(groupId, topic);
  const out: TopicPartitionOffset[] = [];
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!/^\d+$/.test(name)) continue;
    const text = await readFile(join(dir, name), "utf8").catch(() => undefined);
    if (text !== undefined && /^\d+$/.test(text.trim())) {
      out.push({ topic, partition: Number(name), offset: BigInt(text.trim()) });
    }
  }
  return out.sort((a, b) => a.partition - b.partition);
}

export class LocalConsumer implements GroupConsumer {
  readonly groupId: string;
  readonly done: Promise<void>;
  private readonly member: GroupMember;
  private readonly positions = new Map<string, bigint>();
  private owned: readonly TopicPartition[] = [];
  private stopping = false;
  private paused = false;
  private lastRebalance = 0;
  private rotate = 0;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private readonly maxBatchSize: number;
  private readonly maxWaitMs: number;

  constructor(
    private readonly ctx: LocalConsumerContext,
    private readonly options: ConsumeOptions,
  ) {
    this.groupId = options.groupId;
    this.maxBatchSize = options.maxBatchSize ?? DEFAULT_CONSUME_OPTIONS.maxBatchSize;
    this.maxWaitMs = options.maxWaitMs ?? DEFAULT_CONSUME_OPTIONS.maxWaitMs;
    this.member = new GroupMember(ctx.layout, options.groupId, {
      sessionTimeoutMs: ctx.sessionTimeoutMs,
      lockTimeoutMs: ctx.lockTimeoutMs,
    });
    let settle: { resolve: () => void; reject: (e: unknown) => void } | undefined;
    this.done = new Promise<void>((resolve, reject) => {
      settle = { resolve, reject };
    });
    this.settle = settle as { resolve: () => void; reject: (e: unknown) => void };
    // A consumer that is never awaited must not crash the process with an unhandled rejection.
    this.done.catch(() => undefined);
  }

  private readonly settle: { resolve: () => void; reject: (e: unknown) => void };

  /** Joins the group, takes the first assignment and starts the loop. */
  async start(): Promise<void> {
    await this.member.join();
    this.heartbeatTimer = setInterval(() => {
      this.member.heartbeat().catch(() => undefined);
    }, this.ctx.heartbeatIntervalMs);
    this.heartbeatTimer.unref();
    await this.rebalance();
    void this.loop();
  }

  async commit(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    for (const o of offsets) {
      if (!this.isOwned(o) || !(await this.member.owns(o))) {
        throw new NotPartitionOwnerError(this.groupId, o.topic, o.partition);
      }
    }
    for (const o of offsets) {
      const dir = this.ctx.layout.offsetsDir(this.groupId, o.topic);
      await ensureDir(dir);
      await writeFileAtomic(join(dir, String(o.partition)), o.offset.toString());
    }
  }

  seek(position: TopicPartitionOffset): void {
    if (this.stopping) throw new TransportClosedError(`consumer of group ${this.groupId}`);
    if (!this.isOwned(position))
      throw new NotPartitionOwnerError(this.groupId, position.topic, position.partition);
    this.positions.set(tpKey(position), position.offset);
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }

  assignment(): readonly TopicPartition[] {
    return this.owned;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.done.catch(() => undefined);
  }

  private isOwned(tp: TopicPartition): boolean {
    return this.owned.some((o) => o.topic === tp.topic && o.partition === tp.partition);
  }

  private async loop(): Promise<void> {
    let failure: unknown;
    try {
      while (!this.stopping) {
        if (Date.now() - this.lastRebalance >= this.ctx.heartbeatIntervalMs) await this.rebalance();
        const batch = this.paused || this.owned.length === 0 ? undefined : await this.collect();
        if (batch === undefined) {
          await this.ctx.waitForAppend(this.ctx.pollIntervalMs);
          continue;
        }
        await this.options.onBatch(batch, this);
      }
    } catch (err) {
      failure = err;
    }
    clearInterval(this.heartbeatTimer);
    await this.member.leave().catch(() => undefined);
    this.owned = [];
    this.stopping = true;
    this.ctx.onStopped(this);
    if (failure === undefined) this.settle.resolve();
    else this.settle.reject(failure);
  }

  private async rebalance(): Promise<void> {
    this.lastRebalance = Date.now();
    const before = this.owned;
    const after = await this.member.rebalance(await this.ctx.partitionsOf(this.options.topics));
    this.owned = after;
    const kept = new Set(after.map(tpKey));
    for (const key of this.positions.keys()) if (!kept.has(key)) this.positions.delete(key);
    const startFrom = this.options.startFrom ?? DEFAULT_CONSUME_OPTIONS.startFrom;
    for (const tp of after) {
      if (this.positions.has(tpKey(tp))) continue;
      const committed = (await readCommitted(this.ctx.layout, this.groupId, tp.topic)).find(
        (c) => c.partition === tp.partition,
      );
      const start =
        committed?.offset ??
        (startFrom === "earliest" ? 0n : await this.ctx.log(tp.topic, tp.partition).nextOffset());
      this.positions.set(tpKey(tp), start);
    }
    const same = before.length === after.length && before.every((b) => kept.has(tpKey(b)));
    if (!same) this.options.onAssignment?.(after);
  }

  /** Reads up to maxBatchSize messages, waiting at most maxWaitMs after the first one for the rest. */
  private async collect(): Promise<ConsumedBatch | undefined> {
    const messages: ConsumedMessage[] = [];
    let bytes = 0;
    let firstAt = 0;
    for (;;) {
      const partitions = this.owned;
      for (let i = 0; i < partitions.length && messages.length < this.maxBatchSize; i++) {
        const tp = partitions[(this.rotate + i) % partitions.length] as TopicPartition;
        const key = tpKey(tp);
        const from = this.positions.get(key);
        if (from === undefined) continue;
        const frames = await this.ctx.log(tp.topic, tp.partition).read(from, {
          maxCount: this.maxBatchSize - messages.length,
          maxBytes: Math.max(1, this.ctx.maxBatchBytes - bytes),
        });
        // A seek while we were reading wins over what we read.
        if (frames.length === 0 || this.positions.get(key) !== from) continue;
        for (const f of frames) {
          messages.push({
            ...tp,
            offset: f.offset,
            key: f.key,
            value: f.value,
            headers: f.headers,
            timestamp: f.timestamp,
          });
          bytes += f.size;
        }
        this.positions.set(key, (frames.at(-1)?.offset ?? from) + 1n);
      }
      this.rotate += 1;
      if (messages.length > 0 && firstAt === 0) firstAt = Date.now();
      const full = messages.length >= this.maxBatchSize || bytes >= this.ctx.maxBatchBytes;
      const waited = messages.length > 0 && Date.now() - firstAt >= this.maxWaitMs;
      if (this.stopping) return undefined;
      if (full || waited) break;
      if (messages.length === 0) return undefined;
      await this.ctx.waitForAppend(
        Math.min(this.ctx.pollIntervalMs, this.maxWaitMs - (Date.now() - firstAt)),
      );
    }
    if (messages.length === 0) return undefined;
    const next = new Map<string, TopicPartitionOffset>();
    for (const m of messages)
      next.set(tpKey(m), { topic: m.topic, partition: m.partition, offset: m.offset + 1n });
    return { messages, nextOffsets: [...next.values()] };
  }
}
