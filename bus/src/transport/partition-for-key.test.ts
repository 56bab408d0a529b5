// The local partitioner must agree with Kafka's default one, or a workspace would change partitions when a
// deployment moves from the embedded bus to Kafka. kafkajs' DefaultPartitioner is the reference.
import fc from "fast-check";
import { Partitioners } from "kafkajs";
import { describe, expect, it } from "vitest";
import { murmur2, partitionForKey } from "./partition-for-key.js";

describe("partitionForKey", () => {
  const reference = Partitioners.DefaultPartitioner();
  const partitionMetadata = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      partitionId: i,
      leader: 0,
      partitionErrorCode: 0,
      replicas: [0],
      isr: [0],
    }));

  it("matches kafkajs' DefaultPartitioner (Java murmur2) for any key and partition count", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme", maxLength: 40 }),
        fc.integer({ min: 1, max: 64 }),
        (key, n) => {
          const expected = reference({
            topic: "t",
            partitionMetadata: partitionMetadata(n),
            message: { key, value: null },
          });
          expect(partitionForKey(key, n)).toBe(expected);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("reproduces a known Java murmur2 value", () => {
    // org.apache.kafka.common.utils.Utils.murmur2("21".getBytes()) == -973932308
    expect(murmur2(new TextEncoder().encode("21"))).toBe(-973932308);
  });
});
