// The Transport conformance suite: one set of behaviours every Transport must show, run against LocalTransport
// (bus unit tests) and KafkaTransport on a real broker (test/src/bus). It takes the test functions as an
// argument so that the bus never depends on a test runner; assertions are node:assert, which any runner reports.
import { deepStrictEqual, ok, rejects, strictEqual } from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { waitFor } from "@facsimile/core/testing";
import { isTransportError, NotPartitionOwnerError, UnknownTopicError } from "../errors.js";
import { partitionForKey } from "../transport/partition-for-key.js";
import type {
  ConsumedMessage,
  ConsumeOptions,
  GroupConsumer,
  OutgoingMessage,
  TopicPartition,
  Transport,
} from "../transport/types.js";

/** The subset of vitest / jest / node:test that the suite needs. */
export interface ConformanceTestApi {
  describe(name: string, fn: () => void): void;
  it(name: string, fn: () => Promise<void>, timeoutMs?: number): void;
  afterAll(fn: () => Promise<void>, timeoutMs?: number): void;
}

export interface TransportConformanceOptions {
  /** Per-test timeout. */
  readonly timeoutMs: number;
  /** Longest wait for one expected event (a batch, a rebalance). */
  readonly waitMs: number;
  /** Consumer options every test uses (e.g. a short maxWaitMs). */
  readonly consume: Partial<Pick<ConsumeOptions, "maxWaitMs">>;
}

export const DEFAULT_TRANSPORT_CONFORMANCE_OPTIONS: Readonly<TransportConformanceOptions> = Object.freeze({
  timeoutMs: 60_000,
  waitMs: 30_000,
  consume: Object.freeze({ maxWaitMs: 50 }),
});

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function name(prefix: string): string {
  return `conf-${prefix}-${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`;
}

function message(key: string, seq: number, size = 0): OutgoingMessage {
  const body = JSON.stringify({ key, seq, pad: "x".repeat(size) });
  return {
    key,
    value: encoder.encode(body),
    headers: { seq: String(seq), "content-type": "application/json" },
  };
}

function seqOf(m: ConsumedMessage): number {
  return (JSON.parse(decoder.decode(m.value)) as { seq: number }).seq;
}

/** Registers the suite. `makeTransport` returns a NEW client of the SAME bus each call (restarts, members). */
export function describeTransportConformance(
  suiteName: string,
  makeTransport: () => Promise<Transport>,
  api: ConformanceTestApi,
  options: Partial<TransportConformanceOptions> = {},
): void {
  const o = { ...DEFAULT_TRANSPORT_CONFORMANCE_OPTIONS, ...options };
  const open = new Set<Transport>();
  const topics = new Set<string>();
  const connect = async () => {
    const t = await makeTransport();
    open.add(t);
    return t;
  };
  const close = async (t: Transport) => {
    open.delete(t);
    await t.close();
  };
  const topic = async (t: Transport, prefix: string, partitions: number) => {
    const n = name(prefix);
    await t.createTopics([{ topic: n, partitions }]);
    topics.add(n);
    return n;
  };
  /** Consumes until `until` holds; records every delivered message and batch size. */
  const consumeUntil = async (
    t: Transport,
    opts: Omit<ConsumeOptions, "onBatch"> & {
      commit?: boolean;
      until: (seen: readonly ConsumedMessage[]) => boolean;
    },
  ) => {
    const seen: ConsumedMessage[] = [];
    const batchSizes: number[] = [];
    const consumer = await t.consume({
      ...o.consume,
      ...opts,
      onBatch: async (batch, c) => {
        seen.push(...batch.messages);
        batchSizes.push(batch.messages.length);
        if (opts.commit === true) await c.commit(batch.nextOffsets);
      },
    });
    await waitFor(`messages of ${opts.topics.join(",")}`, () => opts.until(seen), { timeoutMs: o.waitMs });
    await consumer.stop();
    return { seen, batchSizes };
  };

  api.describe(`Transport conformance: ${suiteName}`, () => {
    api.afterAll(async () => {
      for (const t of open) await t.close().catch(() => undefined);
      const admin = await makeTransport();
      await admin.deleteTopics([...topics]).catch(() => undefined);
      await admin.close();
    }, o.timeoutMs);

    api.it(
      "keeps order within a partition and puts each key on its murmur2 partition",
      async () => {
        const t = await connect();
        const tp = await topic(t, "order", 4);
        strictEqual(await t.partitionCount(tp), 4);
        const keys = Array.from({ length: 10 }, (_, i) => `workspace-${i}`);
        const sent = Array.from({ length: 300 }, (_, i) => message(keys[i % keys.length] as string, i));
        const appends = [];
        for (let i = 0; i < sent.length; i += 100)
          appends.push(...(await t.produce(tp, sent.slice(i, i + 100))));
        strictEqual(
          appends.reduce((s, a) => s + a.count, 0),
          sent.length,
        );
        const { seen } = await consumeUntil(t, {
          groupId: name("g"),
          topics: [tp],
          until: (s) => s.length >= sent.length,
        });
        strictEqual(seen.length, sent.length);
        const lastSeq = new Map<string, number>();
        const lastOffset = new Map<number, bigint>();
        for (const m of seen) {
          const key = m.key as string;
          strictEqual(m.partition, partitionForKey(key, 4), `key ${key} on its murmur2 partition`);
          strictEqual(m.headers.seq, String(seqOf(m)));
          strictEqual(m.headers["content-type"], "application/json");
          ok(seqOf(m) > (lastSeq.get(key) ?? -1), `order of key ${key}`);
          ok(m.offset > (lastOffset.get(m.partition) ?? -1n), `offsets increase in partition ${m.partition}`);
          lastSeq.set(key, seqOf(m));
          lastOffset.set(m.partition, m.offset);
        }
        const latest = await t.latestOffsets(tp);
        deepStrictEqual(
          latest.reduce((s, l) => s + l.offset, 0n),
          BigInt(sent.length),
        );
        await close(t);
      },
      o.timeoutMs,
    );

    api.it(
      "redelivers everything after a restart without commit",
      async () => {
        const t1 = await connect();
        const tp = await topic(t1, "redeliver", 2);
        const groupId = name("g");
        await t1.produce(
          tp,
          Array.from({ length: 50 }, (_, i) => message(`k${i % 5}`, i)),
        );
        const first = await consumeUntil(t1, { groupId, topics: [tp], until: (s) => s.length >= 50 });
        strictEqual(first.seen.length, 50);
        await close(t1);

        const t2 = await connect();
        deepStrictEqual(await t2.committedOffsets(groupId, tp), []);
        const second = await consumeUntil(t2, { groupId, topics: [tp], until: (s) => s.length >= 50 });
        deepStrictEqual(
          second.seen.map(seqOf).sort((a, b) => a - b),
          first.seen.map(seqOf).sort((a, b) => a - b),
        );
        await close(t2);
      },
      o.timeoutMs,
    );

    api.it(
      "resumes exactly after the committed offsets",
      async () => {
        const t1 = await connect();
        const tp = await topic(t1, "resume", 2);
        const groupId = name("g");
        const all = Array.from({ length: 120 }, (_, i) => message(`k${i % 6}`, i));
        await t1.produce(tp, all);
        const processed: ConsumedMessage[] = [];
        let batches = 0;
        const c1 = await t1.consume({
          ...o.consume,
          groupId,
          topics: [tp],
          maxBatchSize: 25,
          onBatch: async (batch, c) => {
            if (batches >= 2) return; // crash-like: the third batch is never processed nor committed
            batches += 1;
            processed.push(...batch.messages);
            await c.commit(batch.nextOffsets);
          },
        });
        await waitFor("two committed batches", () => batches >= 2, { timeoutMs: o.waitMs });
        await c1.stop();
        ok(processed.length > 0 && processed.length <= 50, `processed ${processed.length}`);
        const committed = await t1.committedOffsets(groupId, tp);
        ok(committed.length > 0);
        await close(t1);

        const t2 = await connect();
        deepStrictEqual(await t2.committedOffsets(groupId, tp), committed);
        const rest = await consumeUntil(t2, {
          groupId,
          topics: [tp],
          commit: true,
          until: (s) => s.length >= all.length - processed.length,
        });
        // Exactly the rest: nothing processed twice, nothing lost.
        const again = new Set(processed.map(seqOf));
        ok(
          rest.seen.every((m) => !again.has(seqOf(m))),
          "no committed message is delivered again",
        );
        deepStrictEqual(
          [...processed, ...rest.seen].map(seqOf).sort((a, b) => a - b),
          all.map((_, i) => i),
        );
        for (const c of committed) {
          const firstAfter = rest.seen.find((m) => m.partition === c.partition);
          if (firstAfter !== undefined) strictEqual(firstAfter.offset, c.offset);
        }
        await close(t2);
      },
      o.timeoutMs,
    );

    api.it(
      "seeks back within an owned partition",
      async () => {
        const t = await connect();
        const tp = await topic(t, "seek", 1);
        await t.produce(
          tp,
          Array.from({ length: 20 }, (_, i) => message("k", i)),
        );
        const seen: number[] = [];
        let sought = false;
        const c = await t.consume({
          ...o.consume,
          groupId: name("g"),
          topics: [tp],
          onBatch: async (batch, consumer) => {
            seen.push(...batch.messages.map(seqOf));
            if (!sought && seen.length >= 20) {
              sought = true;
              consumer.seek({ topic: tp, partition: 0, offset: 15n });
            }
          },
        });
        await waitFor("the sought messages", () => seen.length >= 25, { timeoutMs: o.waitMs });
        await c.stop();
        deepStrictEqual(seen.slice(20, 25), [15, 16, 17, 18, 19]);
        await close(t);
      },
      o.timeoutMs,
    );

    api.it(
      "splits partitions across a group and rebalances when a member joins and leaves",
      async () => {
        const ta = await connect();
        const tb = await connect();
        const tp = await topic(ta, "group", 4);
        const groupId = name("g");
        const seenBy = { a: [] as ConsumedMessage[], b: [] as ConsumedMessage[] };
        const member = (t: Transport, who: "a" | "b") =>
          t.consume({
            ...o.consume,
            groupId,
            topics: [tp],
            onBatch: async (batch, c) => {
              seenBy[who].push(...batch.messages);
              await c.commit(batch.nextOffsets);
            },
          });
        const a = await member(ta, "a");
        await waitFor("a owning all 4 partitions", () => a.assignment().length === 4, {
          timeoutMs: o.waitMs,
        });
        const b = await member(tb, "b");
        const owned = (c: GroupConsumer) => c.assignment().map((x: TopicPartition) => x.partition);
        await waitFor("a 2/2 split", () => a.assignment().length === 2 && b.assignment().length === 2, {
          timeoutMs: o.waitMs,
        });
        deepStrictEqual([...owned(a), ...owned(b)].sort(), [0, 1, 2, 3]);
        const keys = Array.from({ length: 16 }, (_, i) => `ws-${i}`);
        await ta.produce(
          tp,
          Array.from({ length: 160 }, (_, i) => message(keys[i % 16] as string, i)),
        );
        await waitFor("160 messages split over a and b", () => seenBy.a.length + seenBy.b.length >= 160, {
          timeoutMs: o.waitMs,
        });
        ok(seenBy.a.length > 0 && seenBy.b.length > 0, "both members got messages");
        for (const m of seenBy.a) ok(owned(a).includes(m.partition), "a only reads its partitions");
        for (const m of seenBy.b) ok(owned(b).includes(m.partition), "b only reads its partitions");

        await b.stop();
        await close(tb);
        await waitFor("a taking over all partitions", () => a.assignment().length === 4, {
          timeoutMs: o.waitMs,
        });
        const before = seenBy.a.length;
        await ta.produce(
          tp,
          Array.from({ length: 40 }, (_, i) => message(keys[i % 16] as string, 1000 + i)),
        );
        await waitFor(
          "the 40 new messages at a",
          () => seenBy.a.filter((m) => seqOf(m) >= 1000).length >= 40,
          { timeoutMs: o.waitMs },
        );
        ok(seenBy.a.length >= before + 40);
        await a.stop();
        await close(ta);
      },
      o.timeoutMs * 2,
    );

    api.it(
      "carries large batches: 6,000 messages of 1 KiB in one produce call",
      async () => {
        const t = await connect();
        const tp = await topic(t, "large", 3);
        const sent = Array.from({ length: 6000 }, (_, i) => message(`big-${i % 30}`, i, 1024));
        const appends = await t.produce(tp, sent);
        strictEqual(
          appends.reduce((s, a) => s + a.count, 0),
          6000,
        );
        const { seen, batchSizes } = await consumeUntil(t, {
          groupId: name("g"),
          topics: [tp],
          maxBatchSize: 1000,
          until: (s) => s.length >= 6000,
        });
        strictEqual(seen.length, 6000);
        ok(
          batchSizes.every((n) => n <= 1000),
          "no batch above maxBatchSize",
        );
        ok(
          batchSizes.some((n) => n > 100),
          "batches are not one message each",
        );
        const last = new Map<string, number>();
        for (const m of seen) {
          ok(seqOf(m) > (last.get(m.key as string) ?? -1));
          last.set(m.key as string, seqOf(m));
          strictEqual(m.value.length > 1024, true);
        }
        await close(t);
      },
      o.timeoutMs,
    );

    api.it(
      "pauses and resumes delivery, and stops gracefully after the running batch",
      async () => {
        const t = await connect();
        const tp = await topic(t, "pause", 1);
        await t.produce(tp, [message("k", 0)]);
        const seen: number[] = [];
        let inBatch = false;
        let finishedInside = false;
        const c = await t.consume({
          ...o.consume,
          groupId: name("g"),
          topics: [tp],
          onBatch: async (batch) => {
            inBatch = true;
            seen.push(...batch.messages.map(seqOf));
            if (seen.includes(2)) {
              await new Promise((r) => setTimeout(r, 300));
              finishedInside = true;
            }
            inBatch = false;
          },
        });
        await waitFor("the first message", () => seen.length >= 1, { timeoutMs: o.waitMs });
        c.pause();
        await t.produce(tp, [message("k", 1)]);
        await new Promise((r) => setTimeout(r, 500));
        deepStrictEqual(seen, [0], "nothing is delivered while paused");
        c.resume();
        await waitFor("the message produced while paused", () => seen.length >= 2, { timeoutMs: o.waitMs });
        await t.produce(tp, [message("k", 2)]);
        await waitFor("a batch in progress", () => inBatch && seen.includes(2), { timeoutMs: o.waitMs });
        await c.stop();
        ok(finishedInside, "stop() waited for the running onBatch");
        await c.done;
        deepStrictEqual(c.assignment(), []);
        await rejects(c.commit([{ topic: tp, partition: 0, offset: 3n }]), (err: unknown) => {
          ok(err instanceof NotPartitionOwnerError, `NotPartitionOwnerError, got ${String(err)}`);
          return true;
        });
        await close(t);
      },
      o.timeoutMs,
    );

    api.it(
      "refuses to produce to a topic that does not exist, with a non-retriable error",
      async () => {
        const t = await connect();
        const missing = name("missing");
        await rejects(t.produce(missing, [message("k", 1)]), (err: unknown) => {
          ok(err instanceof UnknownTopicError, `UnknownTopicError, got ${String(err)}`);
          ok(isTransportError(err) && !err.retriable);
          return true;
        });
        strictEqual(await t.partitionCount(missing), undefined);
        await close(t);
      },
      o.timeoutMs,
    );
  });
}
