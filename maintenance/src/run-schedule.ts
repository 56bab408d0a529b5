// `facsimile maintain --schedule`: every operation on its own interval, inside one long-lived process, one
// operation at a time (they share the DuckDB connection and would only slow each other down). Each operation runs
// first after its interval has passed once, except checkpoint, which is cheap. A failed run is reported and tried
// again at its next turn. Stops when the signal aborts, after the operation in progress finishes (never midway
// through a commit).
import type { MaintenanceOperation } from "./run-maintenance.js";

export interface ScheduleOptions {
  /** Interval per operation, ms; an operation absent here does not run. */
  readonly intervals: Readonly<Partial<Record<MaintenanceOperation, number>>>;
  readonly clock: () => number;
}

const HOUR = 3_600_000;

export const SCHEDULE_DEFAULTS: Readonly<ScheduleOptions> = Object.freeze({
  // The talk's schedule, without the downtime: vacuum daily, optimize often (it runs beside ingest).
  intervals: Object.freeze({
    checkpoint: 10 * 60_000,
    optimize: HOUR,
    vacuum: 24 * HOUR,
    "purge-tombstones": 24 * HOUR,
  }),
  clock: Date.now,
});

export interface ScheduleRun {
  readonly operation: MaintenanceOperation;
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly error?: unknown;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

/** Runs `run(operation)` on each operation's interval until `signal` aborts; resolves with every run made. */
export async function runSchedule(
  run: (operation: MaintenanceOperation) => Promise<void>,
  signal: AbortSignal,
  options: Partial<ScheduleOptions> = {},
  onRun?: (r: ScheduleRun) => void,
): Promise<ScheduleRun[]> {
  const o = { ...SCHEDULE_DEFAULTS, ...options };
  const start = o.clock();
  const due = new Map<MaintenanceOperation, number>();
  for (const [op, interval] of Object.entries(o.intervals) as [MaintenanceOperation, number][])
    due.set(op, op === "checkpoint" ? start : start + interval);
  const runs: ScheduleRun[] = [];
  while (!signal.aborted && due.size > 0) {
    const [op, at] = [...due].reduce((a, b) => (b[1] < a[1] ? b : a));
    const wait = at - o.clock();
    if (wait > 0) {
      await sleep(wait, signal);
      continue;
    }
    const startedAt = o.clock();
    let error: unknown;
    try {
      await run(op);
    } catch (err) {
      error = err;
    }
    const r: ScheduleRun = {
      operation: op,
      startedAt,
      finishedAt: o.clock(),
      ...(error === undefined ? {} : { error }),
    };
    runs.push(r);
    onRun?.(r);
    due.set(op, startedAt + (o.intervals[op] ?? Number.POSITIVE_INFINITY));
  }
  return runs;
}
