import { describe, expect, it } from "vitest";
import { writeLanes } from "./write-lanes.js";

const tick = () => new Promise((r) => setTimeout(r, 1));

describe("writeLanes", () => {
  it("runs pushed items on at most `lanes` workers, each once, including items pushed while others run", async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    const lanes = writeLanes(2, async (n: number) => {
      running++;
      most = Math.max(most, running);
      await tick();
      done.push(n);
      running--;
    });
    for (const n of [1, 2, 3]) lanes.push(n);
    await tick();
    for (const n of [4, 5]) lanes.push(n);
    expect(await lanes.close()).toBeUndefined();
    expect(done.sort()).toEqual([1, 2, 3, 4, 5]);
    expect(most).toBe(2);
  });

  it("starts nothing after a failure and hands the first failure to close()", async () => {
    const started: number[] = [];
    const lanes = writeLanes(1, async (n: number) => {
      started.push(n);
      if (n === 2) throw new Error(`item ${n} failed`);
    });
    for (const n of [1, 2, 3, 4]) lanes.push(n);
    const failure = await lanes.close();
    expect((failure as Error).message).toBe("item 2 failed");
    expect(lanes.failed()).toBe(true);
    expect(started).toEqual([1, 2]);
  });
});
