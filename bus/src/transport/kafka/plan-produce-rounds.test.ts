import { describe, expect, it } from "vitest";
import { partitionForKey } from "../partition-for-key.js";
import { messageBytes, planProduceRounds } from "./plan-produce-rounds.js";

const msg = (key: string, size: number, seq: number) => ({
  key,
  value: new Uint8Array(size).fill(seq % 256),
  headers: { seq: String(seq) },
});

describe("planProduceRounds", () => {
  it("keeps every chunk under the limit and each partition's order across rounds", () => {
    const messages = Array.from({ length: 300 }, (_, i) => msg(`k${i % 7}`, 1000, i));
    const rounds = planProduceRounds("t", messages, 3, 10_000);
    const flat = rounds.flat();
    for (const chunk of flat) {
      expect(chunk.messages.reduce((s, m) => s + messageBytes(m), 0)).toBeLessThanOrEqual(10_000);
      for (const m of chunk.messages) expect(chunk.partition).toBe(partitionForKey(m.key, 3));
    }
    for (let p = 0; p < 3; p++) {
      const sent = rounds.flatMap((round) =>
        round.filter((c) => c.partition === p).flatMap((c) => c.messages),
      );
      const expected = messages.filter((m) => partitionForKey(m.key, 3) === p);
      expect(sent).toEqual(expected);
    }
    expect(rounds.every((round) => new Set(round.map((c) => c.partition)).size === round.length)).toBe(true);
  });

  it("sends a message larger than the limit alone and rejects a partition out of range", () => {
    const rounds = planProduceRounds("t", [msg("a", 50, 1), msg("a", 5000, 2), msg("a", 50, 3)], 1, 1000);
    expect(rounds.map((r) => r.map((c) => c.messages.length))).toEqual([[1], [1], [1]]);
    expect(() => planProduceRounds("t", [{ ...msg("a", 1, 1), partition: 4 }], 2, 1000)).toThrow(
      "no partition 4",
    );
  });
});
