// Proves the broker is a real Kafka: keyed partitioning and order within a partition survive a round trip.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kafkaClient, uniqueName } from "../helpers.js";

describe("real Kafka broker", () => {
  const kafka = kafkaClient();
  const admin = kafka.admin();
  const topic = uniqueName("smoke");

  beforeAll(async () => {
    await admin.connect();
    await admin.createTopics({
      topics: [{ topic, numPartitions: 4, replicationFactor: 1 }],
      waitForLeaders: true,
    });
  });
  afterAll(async () => {
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  });

  it("keeps 1,000 keyed messages in order per partition, one partition per key", async () => {
    const keys = Array.from({ length: 10 }, (_, i) => `workspace-${i}`);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const messages = Array.from({ length: 1000 }, (_, i) => ({
      key: keys[i % keys.length] ?? "",
      value: JSON.stringify({ seq: i }),
    }));
    for (let i = 0; i < messages.length; i += 100) {
      await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 100) });
    }
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: uniqueName("smoke-group") });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const seen: Array<{ partition: number; offset: bigint; key: string; seq: number }> = [];
    const done = new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          const { seq } = JSON.parse(message.value?.toString() ?? "{}") as { seq: number };
          seen.push({ partition, offset: BigInt(message.offset), key: message.key?.toString() ?? "", seq });
          if (seen.length === messages.length) resolve();
        },
      });
    });
    await done;
    await consumer.disconnect();

    expect(seen).toHaveLength(1000);
    expect(new Set(seen.map((m) => m.seq)).size).toBe(1000);
    const partitionOfKey = new Map<string, number>();
    const lastByPartition = new Map<number, { offset: bigint; seq: number }>();
    for (const m of seen) {
      expect(partitionOfKey.get(m.key) ?? m.partition).toBe(m.partition);
      partitionOfKey.set(m.key, m.partition);
      const last = lastByPartition.get(m.partition);
      if (last !== undefined) {
        expect(m.offset).toBeGreaterThan(last.offset);
        expect(m.seq).toBeGreaterThan(last.seq);
      }
      lastByPartition.set(m.partition, { offset: m.offset, seq: m.seq });
    }
    // Ten keys over four partitions: the default partitioner must have used more than one.
    expect(lastByPartition.size).toBeGreaterThan(1);
  });
});
