// KEDA's Kafka scaler as the baseline, with the Kubernetes HPA defaults it runs under: the scaler reports the total
// lag, the HPA targets lagThreshold per replica (replicas = ceil(lag / lagThreshold)), capped at the partition
// count (allowIdleConsumers false), with the HPA's 10% tolerance, its scale-up limit (per 15 s period the larger
// of +4 pods and +100%) and its 300 s scale-down stabilization window (the highest recommendation of the window).
// Pure: the caller keeps the state.

export interface KedaOptions {
  /** KEDA's `lagThreshold` (default 10). */
  readonly lagThreshold: number;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** HPA defaults. */
  readonly tolerance: number;
  readonly scaleDownStabilizationMs: number;
  readonly scaleUpPeriodMs: number;
  readonly scaleUpPods: number;
  readonly scaleUpPercent: number;
}

export const DEFAULT_KEDA_OPTIONS: Readonly<KedaOptions> = Object.freeze({
  lagThreshold: 10,
  minReplicas: 1,
  maxReplicas: 100,
  tolerance: 0.1,
  scaleDownStabilizationMs: 300_000,
  scaleUpPeriodMs: 15_000,
  scaleUpPods: 4,
  scaleUpPercent: 100,
});

export interface KedaState {
  /** Recommendations of the stabilization window: [at, replicas]. */
  readonly recommendations: readonly (readonly [number, number])[];
}

export const INITIAL_KEDA_STATE: KedaState = Object.freeze({ recommendations: [] });

/** The bare rule: ceil(lag / lagThreshold), within min and the partition-capped max. */
export function kedaReplicas(lag: number, partitions: number, o: KedaOptions): number {
  const max = Math.min(o.maxReplicas, partitions);
  return Math.max(o.minReplicas, Math.min(max, Math.ceil(lag / o.lagThreshold)));
}

/** One HPA sync: the replicas it sets given the lag and the current count. */
export function planKeda(
  input: {
    readonly now: number;
    readonly lag: number;
    readonly current: number;
    readonly partitions: number;
  },
  state: KedaState,
  o: KedaOptions,
): { readonly desired: number; readonly state: KedaState } {
  const { now, lag, current } = input;
  let raw = kedaReplicas(lag, input.partitions, o);
  // Tolerance: a ratio within 10% of 1 keeps the current count.
  if (current > 0 && Math.abs(lag / o.lagThreshold / current - 1) <= o.tolerance) raw = current;
  const recommendations = [
    ...state.recommendations.filter(([at]) => at > now - o.scaleDownStabilizationMs),
    [now, raw] as const,
  ];
  let desired = raw;
  if (raw < current) desired = Math.min(current, Math.max(...recommendations.map(([, r]) => r)));
  if (desired > current)
    desired = Math.min(
      desired,
      Math.max(current + o.scaleUpPods, Math.ceil(current * (1 + o.scaleUpPercent / 100))),
    );
  return { desired, state: { recommendations } };
}
