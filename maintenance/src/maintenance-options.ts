// The knobs of every maintenance operation, their defaults and their checks. Plain values; no I/O.
import type { PartitionValues } from "@facsimile/lake";
import { InvalidMaintenanceOptionError } from "./errors.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface MaintenanceOptions {
  /** vacuum: files a version committed within this window references are kept (time travel stays possible). */
  readonly retentionMs: number;
  /**
   * vacuum: a data file the log never named is an orphan (a crashed or abandoned write) only once it is older than
   * this, so a write in flight (files uploaded, commit not yet placed) never loses its files.
   */
  readonly orphanSafetyMs: number;
  /** optimize: files under this size are compacted. */
  readonly smallFileBytes: number;
  /** optimize: a partition is compacted when it holds at least this many small files (or any deletion vector). */
  readonly minFilesToCompact: number;
  /** optimize: the rows of a compacted partition are written in files of at most this many rows. */
  readonly maxRowsPerFile: number;
  /** optimize, restore, purge: plans tried on one table before giving up for this run (MaintenanceBusyError). */
  readonly maxPlans: number;
  /** purge-tombstones: tombstone rows whose row time is older than this are dropped. */
  readonly purgeHorizonMs: number;
  /** purge-tombstones: how long to wait after the registry change for workers' cached views to follow. */
  readonly registrySettleMs: number;
  /** The KMS key id of a partition's rewritten files (BYOK); undefined = the store's default. */
  readonly kmsKeyIdFor: ((partitionValues: PartitionValues) => string | undefined) | undefined;
  readonly clock: () => number;
  readonly onProgress: ((message: string) => void) | undefined;
}

export const MAINTENANCE_DEFAULTS: Readonly<MaintenanceOptions> = Object.freeze({
  retentionMs: 7 * DAY,
  orphanSafetyMs: HOUR,
  smallFileBytes: 32 * 1024 * 1024,
  minFilesToCompact: 2,
  maxRowsPerFile: 1_000_000,
  maxPlans: 20,
  purgeHorizonMs: 30 * DAY,
  registrySettleMs: 2_500,
  kmsKeyIdFor: undefined,
  clock: Date.now,
  onProgress: undefined,
});

export function maintenanceOptions(options: Partial<MaintenanceOptions> = {}): MaintenanceOptions {
  const o = { ...MAINTENANCE_DEFAULTS, ...options };
  for (const name of [
    "retentionMs",
    "orphanSafetyMs",
    "smallFileBytes",
    "purgeHorizonMs",
    "registrySettleMs",
  ] as const)
    if (!Number.isFinite(o[name]) || o[name] < 0)
      throw new InvalidMaintenanceOptionError(
        `${name} must be a non-negative number of ms/bytes, got ${o[name]}`,
        {
          [name]: o[name],
        },
      );
  for (const name of ["minFilesToCompact", "maxRowsPerFile", "maxPlans"] as const)
    if (!Number.isInteger(o[name]) || o[name] < 1)
      throw new InvalidMaintenanceOptionError(`${name} must be a positive integer, got ${o[name]}`, {
        [name]: o[name],
      });
  return o;
}
