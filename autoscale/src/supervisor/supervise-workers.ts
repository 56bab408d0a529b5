// The local supervisor: every interval it scrapes its workers' metrics, asks the controller for the desired count
// (planScale) and acts on the plan, starting `facsimile ingest` processes or stopping the newest ones gracefully.
// A worker that exits on its own is forgotten (the minimum brings a replacement). Optionally writes its state to
// a JSON file that `facsimile status` reads.
import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { type AutoscaleOptions, autoscaleOptions } from "../controller/autoscale-options.js";
import { planScale, type ScalePlan, type ScaleState } from "../controller/plan-scale.js";
import { scrapeWorker } from "../metrics/scrape-worker.js";
import type { WorkerMetrics } from "../metrics/worker-metrics.js";
import { startWorkerProcess, type WorkerProcess } from "./worker-process.js";

export interface SupervisorOptions {
  readonly intervalMs: number;
  readonly stopTimeoutMs: number;
  readonly autoscale: Partial<AutoscaleOptions>;
}

export const DEFAULT_SUPERVISOR_OPTIONS: Readonly<SupervisorOptions> = Object.freeze({
  intervalMs: 5_000,
  stopTimeoutMs: 30_000,
  autoscale: {},
});

export interface SupervisorDeps {
  readonly region: string;
  /** Starts one worker: executable and arguments (`--metrics-port 0` is appended). */
  readonly workerCommand: readonly string[];
  readonly partitions: number;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Where to write the state for `facsimile status`. */
  readonly stateFile?: string;
  readonly onPlan?: (plan: ScalePlan, workers: number) => void;
  /** A worker process exited (stopped by the supervisor or on its own) with this code. */
  readonly onExit?: (id: string, code: number | null, output: string) => void;
  readonly clock?: () => number;
  /** Starts a worker process (default: startWorkerProcess, a child process); a fake in unit tests. */
  readonly launch?: (
    id: string,
    command: readonly string[],
    env: Readonly<Record<string, string | undefined>>,
    now: number,
  ) => WorkerProcess;
  /** Reads a worker's metrics (default: scrapeWorker over HTTP). */
  readonly scrape?: (id: string, url: string) => Promise<WorkerMetrics>;
}

/** What the state file holds. */
export interface SupervisorState {
  readonly region: string;
  readonly at: string;
  readonly desired: number;
  readonly reason: string;
  readonly workers: readonly {
    readonly id: string;
    readonly pid: number | undefined;
    readonly metricsUrl?: string;
  }[];
}

export interface Supervisor {
  /** One scrape-plan-act round (the loop calls it every interval). */
  tick(): Promise<ScalePlan>;
  /** Starts the loop; the returned promise settles when stop() is done. */
  run(): Promise<void>;
  /** Stops the loop and every worker gracefully. */
  stop(): Promise<void>;
  running(): readonly WorkerProcess[];
  lastPlan(): ScalePlan | undefined;
  lastMetrics(): readonly WorkerMetrics[];
}

export function createSupervisor(deps: SupervisorDeps, options: Partial<SupervisorOptions> = {}): Supervisor {
  const o = { ...DEFAULT_SUPERVISOR_OPTIONS, ...options };
  const controller = autoscaleOptions(o.autoscale);
  const clock = deps.clock ?? Date.now;
  const env = deps.env ?? process.env;
  const launch = deps.launch ?? startWorkerProcess;
  const scrape = deps.scrape ?? scrapeWorker;
  const workers: WorkerProcess[] = [];
  const stopping = new Set<Promise<unknown>>();
  let state: ScaleState = {};
  let plan: ScalePlan | undefined;
  let metrics: WorkerMetrics[] = [];
  let seq = 0;
  let stopped = false;
  let wake: (() => void) | undefined;

  const writeState = async (): Promise<void> => {
    if (deps.stateFile === undefined || plan === undefined) return;
    const s: SupervisorState = {
      region: deps.region,
      at: new Date(clock()).toISOString(),
      desired: plan.desired,
      reason: plan.reason,
      workers: workers.map((w) => {
        const url = w.metricsUrl();
        return { id: w.id, pid: w.pid, ...(url === undefined ? {} : { metricsUrl: url }) };
      }),
    };
    await mkdir(dirname(deps.stateFile), { recursive: true });
    const tmp = `${deps.stateFile}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(s, null, 2)}\n`);
    await rename(tmp, deps.stateFile);
  };

  const stopWorker = (w: WorkerProcess): void => {
    const p = w
      .stop(o.stopTimeoutMs)
      .then((code) => deps.onExit?.(w.id, code, w.output()))
      .finally(() => stopping.delete(p));
    stopping.add(p);
  };

  const supervisor: Supervisor = {
    async tick() {
      for (let i = workers.length - 1; i >= 0; i--) {
        const w = workers[i] as WorkerProcess;
        if (!w.exited()) continue;
        workers.splice(i, 1);
        deps.onExit?.(w.id, await w.exit, w.output());
      }
      const scraped = await Promise.all(
        workers.map(async (w) => {
          const url = w.metricsUrl();
          return url === undefined ? undefined : await scrape(w.id, url).catch(() => undefined);
        }),
      );
      metrics = scraped.filter((m): m is WorkerMetrics => m !== undefined);
      plan = planScale(
        { now: clock(), current: workers.length, partitions: deps.partitions, workers: metrics },
        state,
        controller,
      );
      state = plan.state;
      if (!stopped) {
        while (workers.length < plan.desired)
          workers.push(launch(`${deps.region}-${++seq}`, deps.workerCommand, env, clock()));
        // The newest go first: the oldest hold the warmest caches and the most settled assignment.
        while (workers.length > plan.desired) stopWorker(workers.pop() as WorkerProcess);
      }
      deps.onPlan?.(plan, workers.length);
      await writeState().catch(() => undefined);
      return plan;
    },
    async run() {
      while (!stopped) {
        await supervisor.tick();
        if (stopped) break;
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, o.intervalMs);
        });
      }
      await Promise.all(stopping);
    },
    async stop() {
      stopped = true;
      wake?.();
      for (const w of workers.splice(0)) stopWorker(w);
      await Promise.all(stopping);
      await writeState().catch(() => undefined);
    },
    running: () => [...workers],
    lastPlan: () => plan,
    lastMetrics: () => metrics,
  };
  return supervisor;
}
