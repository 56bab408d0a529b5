// Property tests of the last-writer-wins order: a total order on keys, and folding any permutation of any
// multiset of records (duplicates included) picks the same winner: the CRDT promise the whole pipeline rests on.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareLww, type LwwKey, lwwMax, lwwWinner } from "./last-writer-wins.js";

// Small domains so that ties on every component actually happen.
const key: fc.Arbitrary<LwwKey> = fc.record({
  generationWatermark: fc.bigInt({ min: 0n, max: 2n }),
  version: fc.bigInt({ min: -1n, max: 3n }),
  isTombstone: fc.boolean(),
  payloadHash: fc.constantFrom("00aa", "00ab", "ff00", "e3b0"),
});
const sign = (n: number) => Math.sign(n);

describe("compareLww", () => {
  it("is a total order: antisymmetric, transitive, and 0 only for equal keys", () => {
    fc.assert(
      fc.property(key, key, key, (a, b, c) => {
        expect(sign(compareLww(a, b)) + sign(compareLww(b, a))).toBe(0);
        expect(compareLww(a, b) === 0).toBe(
          a.generationWatermark === b.generationWatermark &&
            a.version === b.version &&
            a.isTombstone === b.isTombstone &&
            a.payloadHash === b.payloadHash,
        );
        if (compareLww(a, b) <= 0 && compareLww(b, c) <= 0) expect(compareLww(a, c)).toBeLessThanOrEqual(0);
      }),
      { numRuns: 2000 },
    );
  });

  it("orders by generation, then version, then tombstone, then payload hash", () => {
    const base = { generationWatermark: 1n, version: 5n, isTombstone: false, payloadHash: "aa" };
    expect(compareLww({ ...base, generationWatermark: 2n, version: 0n }, base)).toBeGreaterThan(0);
    expect(
      compareLww({ ...base, version: 6n, isTombstone: false }, { ...base, isTombstone: true }),
    ).toBeGreaterThan(0);
    expect(compareLww({ ...base, isTombstone: true, payloadHash: "00" }, base)).toBeGreaterThan(0);
    expect(compareLww({ ...base, payloadHash: "ab" }, base)).toBeGreaterThan(0);
  });

  it("folding any permutation of any multiset gives the same winner", () => {
    const records = fc.array(
      fc.record({ id: fc.nat(), key }).map(({ id, key: k }) => ({ id, ...k })),
      { minLength: 1, maxLength: 30 },
    );
    fc.assert(
      fc.property(records, fc.array(fc.nat()), fc.func(fc.nat({ max: 2 })), (items, seeds, duplicates) => {
        // A multiset: every record delivered 1 to 3 times, in a shuffled order.
        const delivered = items.flatMap((r, i) => Array.from({ length: 1 + duplicates(i) }, () => r));
        const shuffled = [...delivered];
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = (seeds[i % Math.max(1, seeds.length)] ?? i) % (i + 1);
          [shuffled[i], shuffled[j]] = [
            shuffled[j] as (typeof shuffled)[0],
            shuffled[i] as (typeof shuffled)[0],
          ];
        }
        const a = lwwWinner(delivered, (r) => r);
        const b = shuffled.reduce((acc, r) => lwwMax(acc, r));
        const c = [...shuffled].reverse().reduce((acc, r) => lwwMax(r, acc));
        expect(a).toBeDefined();
        expect(compareLww(a as LwwKey, b)).toBe(0);
        expect(compareLww(b, c)).toBe(0);
        // The winner is greater than or equal to every record delivered.
        for (const r of delivered) expect(compareLww(b, r)).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 1000 },
    );
  });

  it("has no winner for nothing", () => {
    expect(lwwWinner([], (r: LwwKey) => r)).toBeUndefined();
  });
});
