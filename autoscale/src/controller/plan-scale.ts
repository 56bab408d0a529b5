// The autoscaler's decision, pure: from every worker's sample, the desired worker count. After DS2 and Flink's
// autoscaler: a worker's true rate is what it consumed divided by the share of time it was busy (a half-idle
// worker that did 1k/s could do 2k/s); the demand is the arrival rate (consumed plus the lag's growth) plus the
// backlog above the set point worked off within the catch-up time; the count is the demand over the true rate at
// the target utilization. Guard rails: a no-action band around the target utilization, cool-downs after every
// action, never more workers than partitions, never a scale-down while a worker is saturated.
import type { AutoscaleOptions } from "./autoscale-options.js";
import { totalLag, type WorkerSample } from "./worker-sample.js";

export interface ScaleInput {
  readonly now: number;
  /** Workers running or starting (not the ones being stopped). */
  readonly current: number;
  /** Partitions of the records topic: more workers than this would idle. */
  readonly partitions: number;
  readonly workers: readonly WorkerSample[];
}

/** What the controller remembers between decisions. */
export interface ScaleState {
  readonly lastActionAt?: number;
  readonly lastLag?: { readonly at: number; readonly lag: number };
  /** The last true per-worker rate measured (kept while every worker idles). */
  readonly workerRate?: number;
}

export type ScaleAction = "up" | "down" | "hold";

export interface ScaleEstimate {
  readonly lag: number;
  readonly arrivalPerSecond: number;
  readonly workerRatePerSecond: number | undefined;
  readonly demandPerSecond: number;
  /** Demand over the current workers' true capacity (Infinity without workers). */
  readonly utilization: number;
}

export interface ScalePlan {
  readonly desired: number;
  readonly action: ScaleAction;
  readonly reason: string;
  readonly estimate: ScaleEstimate;
  readonly state: ScaleState;
}

/** Mean of consumed / busy over the workers busy enough to tell; undefined if none is. */
export function trueWorkerRate(workers: readonly WorkerSample[], minBusy: number): number | undefined {
  const rates = workers
    .filter((w) => w.busyRatio >= minBusy && w.inPerSecond > 0)
    .map((w) => w.inPerSecond / Math.min(1, w.busyRatio));
  return rates.length === 0 ? undefined : rates.reduce((a, b) => a + b, 0) / rates.length;
}

export function planScale(input: ScaleInput, state: ScaleState, o: AutoscaleOptions): ScalePlan {
  const { now, current, workers } = input;
  const cap = Math.max(o.minWorkers, Math.min(o.maxWorkers, input.partitions));
  const lag = totalLag(workers);
  const consumed = workers.reduce((a, w) => a + w.inPerSecond, 0);
  const growth =
    state.lastLag !== undefined && now > state.lastLag.at
      ? ((lag - state.lastLag.lag) * 1000) / (now - state.lastLag.at)
      : 0;
  const arrival = Math.max(0, consumed + growth);
  const workerRate = trueWorkerRate(workers, o.minBusyForEstimate) ?? state.workerRate;
  const backlog = Math.max(0, lag - o.lagSetPoint);
  const demand = arrival + (backlog * 1000) / o.catchUpMs;
  const utilization =
    current === 0 || workerRate === undefined ? Number.POSITIVE_INFINITY : demand / (current * workerRate);
  const estimate: ScaleEstimate = {
    lag,
    arrivalPerSecond: arrival,
    workerRatePerSecond: workerRate,
    demandPerSecond: demand,
    utilization,
  };
  const next: ScaleState = {
    ...state,
    lastLag: { at: now, lag },
    ...(workerRate === undefined ? {} : { workerRate }),
  };
  const hold = (reason: string): ScalePlan => ({
    desired: current,
    action: "hold",
    reason,
    estimate,
    state: next,
  });
  const act = (desired: number, reason: string): ScalePlan => ({
    desired,
    action: desired > current ? "up" : "down",
    reason,
    estimate,
    state: { ...next, lastActionAt: now },
  });

  // Bounds first: below the minimum or above the cap is corrected at once, cool-down or not.
  if (current < o.minWorkers) return act(o.minWorkers, `below the minimum of ${o.minWorkers}`);
  if (current > cap) return act(cap, `above the cap of ${cap} (partitions ${input.partitions})`);

  let wanted: number;
  if (workerRate === undefined || workerRate <= 0) {
    // No measured rate yet: step up by one while the backlog is past the set point; with nothing arriving and
    // no backlog the minimum suffices; else wait for a measurement.
    if (backlog > 0) wanted = current + 1;
    else if (arrival === 0) wanted = o.minWorkers;
    else return hold("no worker rate measured yet");
  } else {
    const low = o.targetUtilization - o.band;
    const high = o.targetUtilization + o.band;
    if (utilization >= low && utilization <= high)
      return hold(`utilization ${utilization.toFixed(2)} within the band`);
    wanted = Math.ceil(demand / (workerRate * o.targetUtilization) - 1e-9);
    // Out of the band upward means more capacity, even if the rounding says otherwise (and conversely).
    if (utilization > high) wanted = Math.max(wanted, current + 1);
  }
  const desired = Math.max(o.minWorkers, Math.min(cap, wanted));
  if (desired === current) return hold(desired === cap ? `at the cap of ${cap}` : "sized as is");
  const since = state.lastActionAt === undefined ? Number.POSITIVE_INFINITY : now - state.lastActionAt;
  if (desired > current) {
    if (since < o.scaleUpCooldownMs) return hold("scale-up cool-down");
    return act(desired, `demand ${Math.round(demand)}/s over ${Math.round(workerRate ?? 0)}/s per worker`);
  }
  if (since < o.scaleDownCooldownMs) return hold("scale-down cool-down");
  const saturated = workers.filter((w) => w.busyRatio >= o.saturatedBusyRatio).map((w) => w.id);
  if (saturated.length > 0) return hold(`worker ${saturated.join(", ")} saturated: no scale-down`);
  return act(desired, `demand ${Math.round(demand)}/s over ${Math.round(workerRate ?? 0)}/s per worker`);
}
