// KafkaTransport on the real broker: the shared Transport conformance suite, plus what only Kafka can show:
// a broker that does not answer fails within the retry budget with a retriable error, and produce calls made at
// once through the producer lanes land in call order on every partition.
import { createKafkaTransport, isTransportError } from "@facsimile/bus";
import { describeTransportConformance } from "@facsimile/bus/testing";
import { afterAll, describe, expect, it } from "vitest";
import { services, uniqueName } from "../helpers.js";

// Short group timers so that joins, leaves and rebalances take seconds, not the production defaults.
const groupTimers = { sessionTimeoutMs: 6_000, heartbeatIntervalMs: 300, rebalanceTimeoutMs: 10_000 };

describeTransportConformance(
  "KafkaTransport (real broker)",
  async () =>
    createKafkaTransport({
      brokers: services().kafkaBrokers,
      clientId: uniqueName("conformance"),
      ...groupTimers,
    }),
  { describe, it, afterAll },
  { timeoutMs: 60_000, waitMs: 30_000 },
);

describe("KafkaTransport failures", () => {
  it("fails within the retry budget with a retriable error when no broker answers", async () => {
    const transport = createKafkaTransport({
      brokers: ["127.0.0.1:1"],
      retries: 1,
      initialRetryTimeMs: 50,
      maxRetryTimeMs: 100,
      connectionTimeoutMs: 200,
    });
    const error = await transport
      .produce("facsimile.nowhere.records", [{ key: "w", value: new Uint8Array([1]) }])
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    expect(isTransportError(error)).toBe(true);
    expect(isTransportError(error) && error.retriable).toBe(true);
    // The budget was spent, not a hang cut short: kafkajs gave up after its retries (the test timeout bounds it).
    expect(isTransportError(error) && error.context.kafkaError).toBe("KafkaJSNumberOfRetriesExceeded");
    await transport.close();
  });
});

describe("KafkaTransport producer lanes", () => {
  it("appends concurrent produce calls to each partition in call order, on every lane", async () => {
    const transport = createKafkaTransport({ brokers: services().kafkaBrokers, producerLanes: 3 });
    const topic = uniqueName("lanes");
    await transport.createTopics([{ topic, partitions: 7 }]);
    try {
      const keys = Array.from({ length: 40 }, (_, k) => `ws-${k}`);
      const calls = await Promise.all(
        Array.from({ length: 6 }, (_, call) =>
          transport.produce(
            topic,
            keys.map((key) => ({ key, value: new Uint8Array([call]) })),
          ),
        ),
      );
      const partitions = new Set(calls.flatMap((appends) => appends.map((a) => a.partition)));
      expect(partitions.size).toBe(7);
      for (const partition of partitions) {
        const bases = calls.map(
          (appends) => appends.find((a) => a.partition === partition)?.baseOffset ?? -1n,
        );
        const counts = calls.map((appends) => appends.find((a) => a.partition === partition)?.count ?? 0);
        // Call i's messages follow call i-1's on the partition, with nothing in between.
        bases.slice(1).forEach((base, i) => {
          expect(base).toBe((bases[i] as bigint) + BigInt(counts[i] as number));
        });
      }
      const latest = await transport.latestOffsets(topic);
      expect(latest.reduce((sum, o) => sum + o.offset, 0n)).toBe(BigInt(6 * keys.length));
    } finally {
      await transport.deleteTopics([topic]);
      await transport.close();
    }
  });
});
