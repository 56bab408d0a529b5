import { describe, expect, it } from "vitest";
import { ByteBudget } from "./byte-budget.js";
import { isRetriable } from "./errors.js";
import { RetryExhausted, retryWithinBudget } from "./retry-within-budget.js";

describe("ByteBudget", () => {
  it("admits in arrival order while under the bound, and one oversized item alone", async () => {
    const budget = new ByteBudget(100);
    const order: string[] = [];
    await budget.acquire(60);
    const b = budget.acquire(60).then(() => order.push("b"));
    const c = budget.acquire(10).then(() => order.push("c")); // fits, but must not overtake b
    await new Promise((r) => setTimeout(r, 5));
    expect(order).toEqual([]);
    budget.release(60);
    await Promise.all([b, c]);
    expect(order).toEqual(["b", "c"]);
    expect(budget.inFlight).toBe(70);
    budget.release(70);
    await budget.acquire(500); // larger than the bound: admitted when nothing else is in flight
    expect(budget.inFlight).toBe(500);
  });
});

describe("retryWithinBudget", () => {
  it("retries retriable failures until success", async () => {
    let calls = 0;
    const result = await retryWithinBudget(
      async () => {
        calls += 1;
        if (calls < 3) throw Object.assign(new Error("busy"), { retriable: true });
        return "ok";
      },
      { initialBackoffMs: 1 },
    );
    expect(result).toBe("ok");
    expect(calls).toBe(3);
  });

  it("stops at once on a non-retriable error and when the budget is spent", async () => {
    let calls = 0;
    const fatal = await retryWithinBudget(async () => {
      calls += 1;
      throw new Error("bad");
    }).catch((e: unknown) => e);
    expect(fatal).toBeInstanceOf(RetryExhausted);
    expect(calls).toBe(1);
    const spent = await retryWithinBudget(
      async () => {
        throw Object.assign(new Error("down"), { retriable: true });
      },
      { budgetMs: 50, initialBackoffMs: 10, maxBackoffMs: 10 },
    ).catch((e: unknown) => e);
    expect(spent).toBeInstanceOf(RetryExhausted);
    expect((spent as RetryExhausted).attempts).toBeGreaterThan(1);
    expect(isRetriable((spent as RetryExhausted).cause)).toBe(true);
  });
});
