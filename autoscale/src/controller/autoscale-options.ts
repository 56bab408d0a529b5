// The controller's knobs, with frozen defaults. Rates are records per second, times milliseconds.
import { AutoscaleError } from "../errors.js";

export interface AutoscaleOptions {
  /** Lag (records, summed over partitions) the controller aims to stay under. */
  readonly lagSetPoint: number;
  /** The backlog above the set point is to be worked off within this long (Flink's catch-up duration). */
  readonly catchUpMs: number;
  /** The busy share each worker is sized for; the headroom absorbs bursts. */
  readonly targetUtilization: number;
  /** No action while utilization is within targetUtilization +- this (the no-action band). */
  readonly band: number;
  /** After any scale action, no scale-up for this long (new workers' metrics settle). */
  readonly scaleUpCooldownMs: number;
  /** After any scale action, no scale-down for this long (no flapping). */
  readonly scaleDownCooldownMs: number;
  /** A worker at or above this busy ratio is saturated: no scale-down then. */
  readonly saturatedBusyRatio: number;
  /** Below this busy ratio a worker's rate says nothing about its capacity. */
  readonly minBusyForEstimate: number;
  readonly minWorkers: number;
  /** Further capped by the partition count. */
  readonly maxWorkers: number;
}

export const DEFAULT_AUTOSCALE_OPTIONS: Readonly<AutoscaleOptions> = Object.freeze({
  lagSetPoint: 10_000,
  catchUpMs: 60_000,
  targetUtilization: 0.7,
  band: 0.2,
  scaleUpCooldownMs: 15_000,
  scaleDownCooldownMs: 120_000,
  saturatedBusyRatio: 0.9,
  minBusyForEstimate: 0.05,
  minWorkers: 1,
  maxWorkers: Number.POSITIVE_INFINITY,
});

/** Defaults plus overrides, checked: a clear error names the first bad option. */
export function autoscaleOptions(overrides: Partial<AutoscaleOptions> = {}): AutoscaleOptions {
  const o = { ...DEFAULT_AUTOSCALE_OPTIONS, ...overrides };
  const bad = (name: string, why: string): never => {
    throw new AutoscaleError(
      "AUTOSCALE_CONFIG",
      `autoscale option ${name} ${why}, got ${String(o[name as keyof AutoscaleOptions])}`,
      {
        context: { option: name },
      },
    );
  };
  if (!(o.lagSetPoint >= 0)) bad("lagSetPoint", "must be >= 0");
  if (!(o.catchUpMs > 0)) bad("catchUpMs", "must be > 0");
  if (!(o.targetUtilization > 0 && o.targetUtilization <= 1)) bad("targetUtilization", "must be in (0, 1]");
  if (!(o.band >= 0 && o.band < o.targetUtilization)) bad("band", "must be in [0, targetUtilization)");
  if (!(o.scaleUpCooldownMs >= 0)) bad("scaleUpCooldownMs", "must be >= 0");
  if (!(o.scaleDownCooldownMs >= 0)) bad("scaleDownCooldownMs", "must be >= 0");
  if (!(o.saturatedBusyRatio > 0 && o.saturatedBusyRatio <= 1))
    bad("saturatedBusyRatio", "must be in (0, 1]");
  if (!(o.minBusyForEstimate > 0 && o.minBusyForEstimate <= 1))
    bad("minBusyForEstimate", "must be in (0, 1]");
  if (!(Number.isInteger(o.minWorkers) && o.minWorkers >= 0)) bad("minWorkers", "must be an integer >= 0");
  if (!(o.maxWorkers >= Math.max(1, o.minWorkers))) bad("maxWorkers", "must be >= minWorkers and >= 1");
  return Object.freeze(o);
}
