// Versions for producers that have no row version of their own: a hybrid logical clock packed into an int64,
// `wallMs * 2^16 + logical`. It is strictly monotonic per clock instance, stays close to wall time (so a
// version means roughly "when"), and `observe()` merges a version seen elsewhere so a causally later write
// never gets a smaller version. It must never go backwards, whatever the wall clock does.
import { ClockDriftError } from "../errors.js";

export const HLC_LOGICAL_BITS = 16n;
const LOGICAL_MAX = (1 << Number(HLC_LOGICAL_BITS)) - 1;

export interface HybridLogicalClockOptions {
  /** Wall clock in ms since the epoch. */
  readonly clock: () => number;
  /** observe() rejects a remote version whose wall part is further ahead than this (ClockDriftError). */
  readonly maxDriftMs: number;
}

export const DEFAULT_HLC_OPTIONS: Readonly<HybridLogicalClockOptions> = Object.freeze({
  clock: Date.now,
  maxDriftMs: 60_000,
});

export interface HybridLogicalClock {
  /** A version greater than every version this clock returned or observed before. */
  now(): bigint;
  /** Merges a version from elsewhere; returns a version greater than it and than every earlier one. */
  observe(remote: bigint): bigint;
}

/** Splits a version made by a hybrid logical clock into its wall-clock ms and logical counter. */
export function hlcParts(version: bigint): { readonly wallMs: number; readonly logical: number } {
  return { wallMs: Number(version >> HLC_LOGICAL_BITS), logical: Number(version & BigInt(LOGICAL_MAX)) };
}

export function hlcVersion(wallMs: number, logical: number): bigint {
  return (BigInt(wallMs) << HLC_LOGICAL_BITS) | BigInt(logical);
}

export function createHybridLogicalClock(
  options: Partial<HybridLogicalClockOptions> = {},
): HybridLogicalClock {
  const { clock, maxDriftMs } = { ...DEFAULT_HLC_OPTIONS, ...options };
  let wall = 0;
  let logical = 0;

  // A logical counter overflow borrows the next millisecond: still monotonic, at most 1 ms ahead per 65,536.
  const tick = (): bigint => {
    if (logical > LOGICAL_MAX) {
      wall += 1;
      logical = 0;
    }
    return hlcVersion(wall, logical);
  };

  return {
    now() {
      const pt = Math.floor(clock());
      if (pt > wall) {
        wall = pt;
        logical = 0;
      } else {
        logical += 1;
      }
      return tick();
    },
    observe(remote) {
      const r = hlcParts(remote);
      const pt = Math.floor(clock());
      if (r.wallMs - pt > maxDriftMs) throw new ClockDriftError(r.wallMs, pt, maxDriftMs);
      const next = Math.max(wall, r.wallMs, pt);
      if (next === wall && next === r.wallMs) logical = Math.max(logical, r.logical) + 1;
      else if (next === wall) logical += 1;
      else if (next === r.wallMs) logical = r.logical + 1;
      else logical = 0;
      wall = next;
      return tick();
    },
  };
}
