// Batches the records of one topic: a batch leaves when it is full (count or bytes), lingered long enough, or the
// previous batch of the topic was acknowledged (records that arrive during a send leave together right after it);
// batches of a topic are sent one after another (so records of one key keep their publish order), and a failed
// send is retried within the budget before every record of the batch is rejected. Nothing is dropped silently:
// each record's promise settles with its offset or with the error.
import { type OutgoingMessage, partitionForKey, type Transport, UnknownTopicError } from "@facsimile/bus";
import { RetryExhausted, type RetryOptions, retryWithinBudget } from "@facsimile/core";
import { PublishFailedError } from "./errors.js";

export interface BatcherOptions {
  readonly lingerMs: number;
  readonly maxBatchSize: number;
  readonly maxBatchBytes: number;
  readonly retry: Partial<RetryOptions>;
}

export interface Appended {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
}

interface Entry {
  readonly message: OutgoingMessage;
  readonly bytes: number;
  resolve(a: Appended): void;
  reject(e: unknown): void;
}

export class TopicBatcher {
  private queue: Entry[] = [];
  private queuedBytes = 0;
  private timer: { readonly timeout: NodeJS.Timeout } | { readonly immediate: NodeJS.Immediate } | undefined;
  /** When the last batch of this topic was acknowledged (performance.now()). */
  private lastSentAt = Number.NEGATIVE_INFINITY;
  /** The send loop while it runs: batches of one topic leave one after another. */
  private draining: Promise<void> | undefined;
  private partitions: number | undefined;
  /** Partition of each key for the current partition count (a few hundred workspaces per topic at most). */
  private readonly partitionOfKey = new Map<string, number>();

  constructor(
    readonly topic: string,
    private readonly transport: Transport,
    private readonly options: BatcherOptions,
  ) {}

  add(message: OutgoingMessage, bytes: number): Promise<Appended> {
    return new Promise<Appended>((resolve, reject) => {
      this.queue.push({ message, bytes, resolve, reject });
      this.queuedBytes += bytes;
      // While a batch is being sent, records gather for the next one: it leaves as soon as that send is done.
      if (this.draining !== undefined) return;
      if (this.queue.length >= this.options.maxBatchSize || this.queuedBytes >= this.options.maxBatchBytes) {
        this.start();
      } else if (this.timer === undefined) {
        // Right after an acknowledged batch the topic is streaming: its callers publish again in this same
        // turn of the event loop, so the batch leaves once they are done instead of after a linger.
        this.timer =
          performance.now() - this.lastSentAt < this.options.lingerMs
            ? { immediate: setImmediate(() => this.start()) }
            : { timeout: setTimeout(() => this.start(), this.options.lingerMs) };
      }
    });
  }

  /** Sends what is queued now; resolves when every batch sent so far has settled. */
  async flush(): Promise<void> {
    this.start();
    while (this.draining !== undefined) await this.draining;
  }

  private start(): void {
    if (this.timer !== undefined) {
      if ("timeout" in this.timer) clearTimeout(this.timer.timeout);
      else clearImmediate(this.timer.immediate);
    }
    this.timer = undefined;
    if (this.draining === undefined && this.queue.length > 0) {
      this.draining = this.drain();
    }
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        let n = 0;
        let bytes = 0;
        while (
          n < this.queue.length &&
          n < this.options.maxBatchSize &&
          (n === 0 || bytes + (this.queue[n] as Entry).bytes <= this.options.maxBatchBytes)
        ) {
          bytes += (this.queue[n] as Entry).bytes;
          n++;
        }
        const batch = n === this.queue.length ? this.queue : this.queue.slice(0, n);
        this.queue = n === this.queue.length ? [] : this.queue.slice(n);
        this.queuedBytes -= bytes;
        await this.send(batch);
        this.lastSentAt = performance.now();
      }
    } finally {
      // In the same synchronous step as the last look at the queue: a record added from here on starts a new
      // drain, one added before was taken by this one.
      this.draining = undefined;
    }
  }

  private async send(batch: readonly Entry[]): Promise<void> {
    try {
      const appends = await retryWithinBudget(async () => {
        const partitions = await this.partitionCount();
        const messages = batch.map((e) => ({
          ...e.message,
          partition: this.partitionOf(e.message.key, partitions),
        }));
        try {
          return { messages, appends: await this.transport.produce(this.topic, messages) };
        } catch (err) {
          this.partitions = undefined;
          throw err;
        }
      }, this.options.retry);
      // Offsets per partition, in order: the transport appends a partition's messages consecutively.
      const runs = new Map<number, Array<{ next: bigint; left: number }>>();
      for (const a of appends.appends) {
        const list = runs.get(a.partition) ?? [];
        list.push({ next: a.baseOffset, left: a.count });
        runs.set(a.partition, list);
      }
      for (const list of runs.values()) list.sort((x, y) => (x.next < y.next ? -1 : 1));
      appends.messages.forEach((m, i) => {
        const entry = batch[i] as Entry;
        const partition = m.partition;
        const list = runs.get(partition) ?? [];
        while (list.length > 0 && (list[0] as { left: number }).left === 0) list.shift();
        const run = list[0];
        const offset = run?.next ?? -1n;
        if (run !== undefined) {
          run.next += 1n;
          run.left -= 1;
        }
        entry.resolve({ topic: this.topic, partition, offset });
      });
    } catch (err) {
      const error =
        err instanceof RetryExhausted ? new PublishFailedError(this.topic, err.attempts, err.cause) : err;
      for (const e of batch) e.reject(error);
    }
  }

  private async partitionCount(): Promise<number> {
    if (this.partitions === undefined) {
      const n = await this.transport.partitionCount(this.topic);
      if (n === undefined) throw new UnknownTopicError(this.topic, this.transport.url);
      if (n !== this.partitions) this.partitionOfKey.clear();
      this.partitions = n;
    }
    return this.partitions;
  }

  private partitionOf(key: string, partitions: number): number {
    let p = this.partitionOfKey.get(key);
    if (p === undefined) {
      p = partitionForKey(key, partitions);
      if (this.partitionOfKey.size >= 100_000) this.partitionOfKey.clear();
      this.partitionOfKey.set(key, p);
    }
    return p;
  }
}
