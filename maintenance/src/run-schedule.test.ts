// The schedule runs each operation on its own interval, one at a time, goes on after a failed run, and stops
// when its signal aborts (after the run in progress).
import { describe, expect, it } from "vitest";
import type { MaintenanceOperation } from "./run-maintenance.js";
import { runSchedule } from "./run-schedule.js";

describe("runSchedule", () => {
  it("runs operations on their intervals, survives a failure, stops on abort after the current run", async () => {
    const stop = new AbortController();
    const seen: MaintenanceOperation[] = [];
    let running = 0;
    let overlapped = false;
    const runs = await runSchedule(
      async (op) => {
        running++;
        overlapped ||= running > 1;
        seen.push(op);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        if (op === "vacuum" && seen.filter((o) => o === "vacuum").length === 1) throw new Error("store down");
        const count = (o: MaintenanceOperation) => seen.filter((x) => x === o).length;
        if (count("checkpoint") >= 6 && count("vacuum") >= 2) stop.abort();
      },
      stop.signal,
      { intervals: { checkpoint: 20, vacuum: 50 } },
    );
    expect(overlapped).toBe(false);
    // checkpoint runs at once and every 20 ms; vacuum only after its first 50 ms, and again after failing.
    expect(seen[0]).toBe("checkpoint");
    expect(seen.filter((o) => o === "checkpoint").length).toBeGreaterThanOrEqual(6);
    expect(seen.filter((o) => o === "vacuum").length).toBeGreaterThanOrEqual(2);
    expect(runs.find((r) => r.operation === "vacuum")?.error).toBeInstanceOf(Error);
    // Nothing started after the abort: the run that aborted was the last one.
    expect(runs.map((r) => r.operation)).toEqual(seen);
  });
});
