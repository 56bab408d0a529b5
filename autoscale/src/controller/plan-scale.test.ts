// Each rule of the controller, with a case that would go the other way if the rule were removed.
import { describe, expect, it } from "vitest";
import { autoscaleOptions } from "./autoscale-options.js";
import { planScale, type ScaleState } from "./plan-scale.js";
import type { WorkerSample } from "./worker-sample.js";

const NOW = 1_000_000;
const o = autoscaleOptions({ lagSetPoint: 10_000, catchUpMs: 60_000, targetUtilization: 0.7, band: 0.2 });

function worker(id: number, inPerSecond: number, busyRatio: number, lag: number[] = []): WorkerSample {
  return {
    id: `w${id}`,
    lag: lag.map((l, i) => ({ partition: id * 100 + i, lag: l })),
    inPerSecond,
    outPerSecond: inPerSecond,
    busyRatio,
  };
}

/** A state whose last lag equals `lag`: no growth, long after any action. */
const steady = (lag: number): ScaleState => ({ lastLag: { at: NOW - 10_000, lag }, lastActionAt: 0 });

describe("planScale", () => {
  it("sizes from the true rate (consumed / busy), not the observed one", () => {
    // Four workers, each 1000/s at 25% busy: each could do 4000/s, so two carry the 4000/s.
    const workers = [1, 2, 3, 4].map((i) => worker(i, 1000, 0.25));
    const plan = planScale({ now: NOW, current: 4, partitions: 12, workers }, steady(0), o);
    expect(plan.estimate.workerRatePerSecond).toBe(4000);
    expect(plan.action).toBe("down");
    expect(plan.desired).toBe(2);
  });

  it("adds the backlog above the set point over the catch-up time to the demand", () => {
    // 2 x 2000/s saturated, 130k lag steady: 4000/s arrival + 120k/60 s = 6000/s -> 6000 / (2000 * 0.7) = 5.
    const workers = [worker(1, 2000, 1, [65_000]), worker(2, 2000, 1, [65_000])];
    const plan = planScale({ now: NOW, current: 2, partitions: 12, workers }, steady(130_000), o);
    expect(plan.estimate.demandPerSecond).toBe(6000);
    expect(plan.desired).toBe(5);
    expect(plan.action).toBe("up");
  });

  it("counts the lag's growth as arrivals the workers did not consume", () => {
    const workers = [worker(1, 2000, 0.9, [5_000])];
    const plan = planScale(
      { now: NOW, current: 1, partitions: 12, workers },
      { lastLag: { at: NOW - 10_000, lag: 0 } },
      o,
    );
    expect(plan.estimate.arrivalPerSecond).toBe(2500);
  });

  it("holds inside the no-action band and acts outside it", () => {
    // True rate 2000/s each, demand 3000/s over 2 workers: utilization 0.75, inside 0.7 +- 0.2.
    const workers = [worker(1, 1500, 0.75), worker(2, 1500, 0.75)];
    const inBand = planScale({ now: NOW, current: 2, partitions: 12, workers }, steady(0), o);
    expect(inBand.action).toBe("hold");
    expect(inBand.reason).toMatch(/band/);
    const noBand = planScale({ now: NOW, current: 2, partitions: 12, workers }, steady(0), { ...o, band: 0 });
    expect(noBand.action).toBe("up");
    expect(noBand.desired).toBe(3);
  });

  it("does not scale down within the cool-down after an action, and does after it", () => {
    const workers = [1, 2, 3, 4].map((i) => worker(i, 200, 0.1));
    const recent = planScale(
      { now: NOW, current: 4, partitions: 12, workers },
      { lastActionAt: NOW - 10_000 },
      o,
    );
    expect(recent.action).toBe("hold");
    expect(recent.reason).toMatch(/cool-down/);
    const later = planScale(
      { now: NOW, current: 4, partitions: 12, workers },
      { lastActionAt: NOW - 200_000 },
      o,
    );
    expect(later.action).toBe("down");
    expect(later.desired).toBe(1);
    expect(later.state.lastActionAt).toBe(NOW);
  });

  it("does not scale up within the scale-up cool-down", () => {
    const workers = [worker(1, 2000, 1, [200_000])];
    const plan = planScale(
      { now: NOW, current: 1, partitions: 12, workers },
      { lastActionAt: NOW - 5_000 },
      o,
    );
    expect(plan.action).toBe("hold");
    expect(plan.reason).toMatch(/scale-up cool-down/);
  });

  it("never asks for more workers than partitions", () => {
    const workers = [worker(1, 2000, 1, [1_000_000])];
    const plan = planScale({ now: NOW, current: 1, partitions: 4, workers }, steady(1_000_000), o);
    expect(plan.desired).toBe(4);
    const over = planScale({ now: NOW, current: 6, partitions: 4, workers }, steady(1_000_000), o);
    expect(over.desired).toBe(4);
  });

  it("never scales down while a worker is saturated", () => {
    // Demand 2200/s at 2000/s per worker would be 2 workers; one worker is at 95% busy.
    const workers = [worker(1, 100, 0.05), worker(2, 100, 0.05), worker(3, 100, 0.05), worker(4, 1900, 0.95)];
    const plan = planScale({ now: NOW, current: 4, partitions: 12, workers }, steady(0), o);
    expect(plan.action).toBe("hold");
    expect(plan.reason).toMatch(/saturated/);
    const unguarded = planScale({ now: NOW, current: 4, partitions: 12, workers }, steady(0), {
      ...o,
      saturatedBusyRatio: 1,
    });
    expect(unguarded.action).toBe("down");
  });

  it("brings the count up to the minimum, and steps up by one while no rate is measured and lag builds", () => {
    expect(planScale({ now: NOW, current: 0, partitions: 12, workers: [] }, {}, o).desired).toBe(1);
    const blind = planScale(
      { now: NOW, current: 1, partitions: 12, workers: [worker(1, 0, 0, [50_000])] },
      {},
      o,
    );
    expect(blind.desired).toBe(2);
    const quiet = planScale(
      { now: NOW, current: 1, partitions: 12, workers: [worker(1, 0, 0, [10])] },
      {},
      o,
    );
    expect(quiet.action).toBe("hold");
    const trickle = planScale(
      { now: NOW, current: 2, partitions: 12, workers: [worker(1, 5, 0.01, [10])] },
      {},
      o,
    );
    expect(trickle.action).toBe("hold");
    const idle = planScale({ now: NOW, current: 2, partitions: 12, workers: [worker(1, 0, 0, [0])] }, {}, o);
    expect(idle.desired).toBe(1);
  });

  it("keeps the last measured rate while every worker idles", () => {
    const plan = planScale(
      { now: NOW, current: 3, partitions: 12, workers: [worker(1, 0, 0), worker(2, 0, 0), worker(3, 0, 0)] },
      { lastActionAt: 0, workerRate: 3000 },
      o,
    );
    expect(plan.estimate.workerRatePerSecond).toBe(3000);
    expect(plan.desired).toBe(1);
  });

  it("rejects bad options by name", () => {
    expect(() => autoscaleOptions({ targetUtilization: 0 })).toThrow(/targetUtilization/);
    expect(() => autoscaleOptions({ band: 0.9 })).toThrow(/band/);
  });
});
