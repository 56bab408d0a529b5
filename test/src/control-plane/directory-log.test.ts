// The directory log on real Kafka: the shared conformance suite, each test run on a topic of its own.
import { createKafkaTransport } from "@facsimile/bus";
import { createTransportDirectoryLog } from "@facsimile/control-plane";
import { describeDirectoryLogConformance } from "@facsimile/control-plane/testing";
import { describe, it } from "vitest";
import { services, uniqueName } from "../helpers.js";

let topic: string | undefined;
describeDirectoryLogConformance(
  "transport directory log on a real Kafka broker",
  async () => {
    topic ??= uniqueName("facsimile.directory");
    const transport = createKafkaTransport({
      brokers: services().kafkaBrokers,
      clientId: uniqueName("directory"),
      sessionTimeoutMs: 6_000,
      heartbeatIntervalMs: 300,
      rebalanceTimeoutMs: 10_000,
    });
    const log = createTransportDirectoryLog(transport, { topic });
    return {
      ...log,
      close: async () => {
        await log.close();
        await transport.close();
      },
    };
  },
  { describe, it },
);
