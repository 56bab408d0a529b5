// KafkaTransport on the real broker: the shared Transport conformance suite, plus what only Kafka can show:
// a broker that does not answer fails within the retry budget with a retriable error.
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
    const started = Date.now();
    const error = await transport
      .produce("facsimile.nowhere.records", [{ key: "w", value: new Uint8Array([1]) }])
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    expect(isTransportError(error)).toBe(true);
    expect(isTransportError(error) && error.retriable).toBe(true);
    expect(Date.now() - started).toBeLessThan(15_000);
    await transport.close();
  });
});
