// A delivery plan delivers every change once or twice, in an order and with duplicates that only its seed decides.
import { describe, expect, it } from "vitest";
import { planDelivery } from "./plan-delivery.js";

describe("planDelivery", () => {
  it("delivers every change at least once and at most twice, counting the duplicates", () => {
    const plan = planDelivery(1000, { seed: 9, duplicateShare: 0.2 });
    const seen = new Map<number, number>();
    for (const i of plan.order) seen.set(i, (seen.get(i) ?? 0) + 1);
    expect(seen.size).toBe(1000);
    expect([...seen.values()].every((n) => n === 1 || n === 2)).toBe(true);
    expect(plan.order).toHaveLength(1000 + plan.duplicates);
    expect(plan.duplicates).toBeGreaterThan(120);
    expect(plan.duplicates).toBeLessThan(280);
  });

  it("is decided by its seed alone", () => {
    expect(planDelivery(500, { seed: 1 })).toEqual(planDelivery(500, { seed: 1 }));
    expect(planDelivery(500, { seed: 2 }).order).not.toEqual(planDelivery(500, { seed: 1 }).order);
  });

  it("shuffles unless told not to", () => {
    const shuffled = planDelivery(200, { seed: 4, duplicateShare: 0 });
    expect(shuffled.order).not.toEqual([...shuffled.order].sort((a, b) => a - b));
    const inOrder = planDelivery(200, { seed: 4, duplicateShare: 0, shuffle: false });
    expect(inOrder.order).toEqual(Array.from({ length: 200 }, (_, i) => i));
  });
});
