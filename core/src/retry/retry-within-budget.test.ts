import { describe, expect, it } from "vitest";
import { isRetriable } from "../errors/facsimile-error.js";
import { RetryExhausted, retryWithinBudget } from "./retry-within-budget.js";

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
