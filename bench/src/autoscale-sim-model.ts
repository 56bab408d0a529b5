// The autoscaling simulation's model, in simulated time (one step a second, no sleeping): a records topic whose
// arrival rate follows a trace, and workers that each process up to a measured rate. A started worker consumes
// only after a start-up delay; every change of membership pauses all workers for a rebalance. The lag seen is the
// backlog plus what is in flight (fetched, not yet committed). Each second yields the worker metrics the
// controllers read: lag per partition, records in per second and busy ratio per worker (10 s windows, as the
// worker's gauges).
import type { WorkerSample } from "@facsimile/autoscale";

export interface SimOptions {
  readonly partitions: number;
  /** Records per second one worker processes when saturated. */
  readonly workerRate: number;
  readonly startupSeconds: number;
  readonly rebalanceSeconds: number;
  /** In-flight records as seconds of consumption (micro-batch plus commit). */
  readonly inFlightSeconds: number;
  readonly initialWorkers: number;
}

export interface Decider {
  /** Called every `every` seconds with the metrics; returns the desired worker count. */
  readonly every: number;
  decide(now: number, current: number, workers: readonly WorkerSample[], lag: number): number;
}

export interface SimResult {
  readonly recoverSeconds: number;
  readonly peakLag: number;
  readonly workerMinutes: number;
  readonly scaleActions: number;
  /** Seconds of the trace and the worker count at its end. */
  readonly seconds: number;
  readonly maxWorkers: number;
}

const WINDOW = 10;

/** Runs `trace` (arrivals per second, one entry per second) under `decider`; lag above setPoint is "not recovered". */
export function simulate(
  trace: readonly number[],
  stepAt: number,
  setPoint: number,
  decider: Decider,
  o: SimOptions,
): SimResult {
  let backlog = 0;
  let workers: { readyAt: number }[] = Array.from({ length: o.initialWorkers }, () => ({ readyAt: 0 }));
  // Rebalances: [from, until) in seconds; the group consumes nothing during one.
  const pauses: [number, number][] = [];
  const processedWindow: number[] = [];
  let peakLag = 0;
  let workerSeconds = 0;
  let actions = 0;
  let lastAbove = -1;
  let maxWorkers = workers.length;
  let observedLag = 0;
  for (let t = 0; t < trace.length; t++) {
    const arrival = trace[t] as number;
    const paused = pauses.some(([from, until]) => t >= from && t < until);
    const ready = paused ? 0 : workers.filter((w) => w.readyAt <= t).length;
    const capacity = Math.min(ready, o.partitions) * o.workerRate;
    const processed = Math.min(capacity, backlog + arrival);
    backlog += arrival - processed;
    processedWindow.push(processed);
    if (processedWindow.length > WINDOW) {
      processedWindow.shift();
    }
    observedLag = backlog + processed * o.inFlightSeconds;
    peakLag = Math.max(peakLag, observedLag);
    if (t >= stepAt && observedLag > setPoint) lastAbove = t;
    workerSeconds += workers.length;
    if (t % decider.every === 0 && t > 0) {
      const samples = sampleWorkers(workers, t, observedLag, processedWindow, o);
      const desired = decider.decide(t * 1000, workers.length, samples, observedLag);
      if (desired !== workers.length) {
        actions++;
        const up = desired > workers.length;
        if (up)
          workers = workers.concat(
            Array.from({ length: desired - workers.length }, () => ({ readyAt: t + o.startupSeconds })),
          );
        else workers = workers.slice(0, desired);
        // A member joining (once started) or leaving rebalances the group.
        const from = t + (up ? o.startupSeconds : 0);
        pauses.push([from, from + o.rebalanceSeconds]);
        maxWorkers = Math.max(maxWorkers, workers.length);
      }
    }
  }
  return {
    recoverSeconds: lastAbove < 0 ? 0 : lastAbove + 1 - stepAt,
    peakLag: Math.round(peakLag),
    workerMinutes: Math.round((workerSeconds / 60) * 10) / 10,
    scaleActions: actions,
    seconds: trace.length,
    maxWorkers,
  };
}

function sampleWorkers(
  workers: readonly { readyAt: number }[],
  t: number,
  lag: number,
  processed: readonly number[],
  o: SimOptions,
): WorkerSample[] {
  const ready = workers.filter((w) => w.readyAt <= t).length;
  const active = Math.min(ready, o.partitions);
  const sumP = processed.reduce((a, b) => a + b, 0);
  // Busy share: processed over what the workers present could have processed (per worker, in the window).
  const perWorkerIn = active === 0 ? 0 : sumP / processed.length / active;
  const busy = active === 0 ? 0 : Math.min(1, perWorkerIn / o.workerRate);
  const samples: WorkerSample[] = [];
  const perPartition = lag / o.partitions;
  for (let i = 0; i < workers.length; i++) {
    const isReady = (workers[i] as { readyAt: number }).readyAt <= t && i < o.partitions;
    const owned: number[] = [];
    if (isReady) for (let p = i; p < o.partitions; p += active) owned.push(p);
    samples.push({
      id: `w${i}`,
      lag: owned.map((partition) => ({ partition, lag: perPartition })),
      inPerSecond: isReady ? perWorkerIn : 0,
      outPerSecond: isReady ? perWorkerIn : 0,
      busyRatio: isReady ? busy : 0,
    });
  }
  // Partitions of workers not ready yet are still lagging: give them to the first worker's report.
  const reported = new Set(samples.flatMap((s) => s.lag.map((l) => l.partition)));
  const missing = Array.from({ length: o.partitions }, (_, p) => p).filter((p) => !reported.has(p));
  if (missing.length > 0 && samples.length > 0) {
    const first = samples[0] as WorkerSample;
    samples[0] = {
      ...first,
      lag: [...first.lag, ...missing.map((partition) => ({ partition, lag: perPartition }))],
    };
  }
  return samples;
}
