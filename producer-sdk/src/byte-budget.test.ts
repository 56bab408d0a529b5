import { describe, expect, it } from "vitest";
import { ByteBudget } from "./byte-budget.js";

describe("ByteBudget", () => {
  it("admits in arrival order while under the bound, and one oversized item alone", async () => {
    const budget = new ByteBudget(100);
    const order: string[] = [];
    await budget.acquire(60);
    const b = budget.acquire(60).then(() => order.push("b"));
    const c = budget.acquire(10).then(() => order.push("c")); // fits, but must not overtake b
    expect(budget.tryAcquire(10)).toBe(false); // nor may a synchronous taker
    await new Promise((r) => setTimeout(r, 5));
    expect(order).toEqual([]);
    budget.release(60);
    await Promise.all([b, c]);
    expect(order).toEqual(["b", "c"]);
    expect(budget.inFlight).toBe(70);
    budget.release(70);
    await budget.acquire(500); // larger than the bound: admitted when nothing else is in flight
    expect(budget.inFlight).toBe(500);
    expect(budget.tryAcquire(1)).toBe(false);
    budget.release(500);
    expect(budget.tryAcquire(100)).toBe(true);
    expect(budget.inFlight).toBe(100);
  });
});
