import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ClockDriftError } from "../errors.js";
import { createHybridLogicalClock, hlcParts, hlcVersion } from "./hybrid-logical-clock.js";

describe("hybrid logical clock", () => {
  it("never goes backwards, whatever the wall clock does", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1_700_000_000_000, max: 1_700_000_000_050 }), { minLength: 1 }),
        (times) => {
          let i = 0;
          const hlc = createHybridLogicalClock({ clock: () => times[i] ?? 0 });
          let last = -1n;
          for (i = 0; i < times.length; i++) {
            const v = hlc.now();
            expect(v).toBeGreaterThan(last);
            last = v;
          }
        },
      ),
    );
  });

  it("tracks wall time and counts within one millisecond", () => {
    let now = 1_700_000_000_000;
    const hlc = createHybridLogicalClock({ clock: () => now });
    expect(hlcParts(hlc.now())).toEqual({ wallMs: now, logical: 0 });
    expect(hlcParts(hlc.now())).toEqual({ wallMs: now, logical: 1 });
    now += 5;
    expect(hlcParts(hlc.now())).toEqual({ wallMs: now, logical: 0 });
    now -= 100; // the wall clock jumps back: the version does not
    expect(hlcParts(hlc.now())).toEqual({ wallMs: now + 100, logical: 1 });
  });

  it("borrows the next millisecond when the logical counter overflows", () => {
    const hlc = createHybridLogicalClock({ clock: () => 1000 });
    let v = 0n;
    for (let i = 0; i <= 65_536; i++) v = hlc.now();
    expect(hlcParts(v)).toEqual({ wallMs: 1001, logical: 0 });
  });

  it("orders a write after a version it observed, and rejects one from too far ahead", () => {
    const hlc = createHybridLogicalClock({ clock: () => 1000, maxDriftMs: 500 });
    const remote = hlcVersion(1400, 7);
    const merged = hlc.observe(remote);
    expect(merged).toBeGreaterThan(remote);
    expect(hlc.now()).toBeGreaterThan(merged);
    expect(() => hlc.observe(hlcVersion(2000, 0))).toThrow(ClockDriftError);
  });

  it("fits int64 for wall times far beyond today", () => {
    expect(hlcVersion(4_102_444_800_000, 65_535)).toBeLessThan(2n ** 63n);
  });
});
