// KEDA's Kafka rule and the HPA defaults around it, as the simulation's baseline uses them.
import { describe, expect, it } from "vitest";
import { DEFAULT_KEDA_OPTIONS, INITIAL_KEDA_STATE, kedaReplicas, planKeda } from "./keda-rule.js";

describe("KEDA's rule", () => {
  it("is ceil(lag / lagThreshold) capped by the partitions", () => {
    expect(kedaReplicas(35, 12, DEFAULT_KEDA_OPTIONS)).toBe(4);
    expect(kedaReplicas(1_000, 12, DEFAULT_KEDA_OPTIONS)).toBe(12);
    expect(kedaReplicas(0, 12, DEFAULT_KEDA_OPTIONS)).toBe(1);
  });

  it("limits a scale-up to max(+4, +100%) per period and holds scale-downs for the stabilization window", () => {
    const o = { ...DEFAULT_KEDA_OPTIONS, lagThreshold: 1000 };
    const up = planKeda({ now: 0, lag: 12_000, current: 1, partitions: 12 }, INITIAL_KEDA_STATE, o);
    expect(up.desired).toBe(5);
    const held = planKeda({ now: 100_000, lag: 1_000, current: 5, partitions: 12 }, up.state, o);
    expect(held.desired).toBe(5);
    const after = planKeda({ now: 400_000, lag: 1_000, current: 5, partitions: 12 }, held.state, o);
    expect(after.desired).toBe(1);
  });
});
