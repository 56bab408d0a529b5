// The demo's ingest side: one ingest worker per region, in this process, each in its own consumer group on its
// region's records topic, landing records in the region's raw sink and merging them into its tables. Knows when
// they are idle (every published record consumed and merged), stops them gracefully, and reads their metrics.
import { join } from "node:path";
import { type Logger, silentLogger, type Transport } from "@facsimile/bus";
import {
  createIngestWorker,
  createStaticIngestDirectory,
  DEAD_LETTER_REASONS,
  DROP_REASONS,
  type IngestWorker,
} from "@facsimile/ingest";
import type { ObjectStore } from "@facsimile/object-store";
import type { SchemaRegistry } from "@facsimile/schemas";
import type { CompiledModel } from "@facsimile/transforms";
import type { DemoWorkspace } from "./generate-jira-workload.js";

export interface RegionWorkersOptions {
  /** How often idleness is checked. */
  readonly pollMs: number;
  /** Waiting for idleness fails when nothing was consumed or merged for this long. */
  readonly stallMs: number;
  /** DuckDB threads of each worker. */
  readonly threads: number;
}

export const DEFAULT_REGION_WORKERS_OPTIONS: Readonly<RegionWorkersOptions> = Object.freeze({
  pollMs: 200,
  stallMs: 120_000,
  threads: 1,
});

export interface RegionWorkersDeps {
  readonly transport: Transport;
  readonly store: ObjectStore;
  readonly registry: SchemaRegistry;
  readonly models: readonly CompiledModel[];
  readonly workspaces: readonly DemoWorkspace[];
  /** The consumer group of a region's worker. */
  readonly groupIdOf: (region: string) => string;
  /** Local folder for the workers' scratch and cache files. */
  readonly workDir: string;
  readonly logger?: Logger;
}

export interface RegionStats {
  readonly region: string;
  readonly workspaces: number;
  /** Messages consumed from the region's records topic. */
  readonly consumed: number;
  /** Records appended to the raw sink. */
  readonly ingested: number;
  /** Records merged into the target tables. */
  readonly merged: number;
  readonly deadLettered: number;
  readonly dropped: number;
  /** Seconds from the record's append to its merge commit, from the worker's histogram. */
  readonly freshnessP50: number | undefined;
  readonly freshnessP99: number | undefined;
}

export interface RegionWorkers {
  readonly workers: readonly IngestWorker[];
  /** Records merged so far, all regions. */
  merged(): number;
  /** Resolves once every worker is caught up (consumed everything published and merged it). */
  untilIdle(): Promise<void>;
  /** Graceful stop: running batches finish, merges drain, groups are left. */
  stop(): Promise<void>;
  stats(): RegionStats[];
}

export async function startRegionWorkers(
  deps: RegionWorkersDeps,
  regions: readonly string[],
  options: Partial<RegionWorkersOptions> = {},
): Promise<RegionWorkers> {
  const o = { ...DEFAULT_REGION_WORKERS_OPTIONS, ...options };
  const directory = createStaticIngestDirectory(
    Object.fromEntries(deps.workspaces.map((w) => [w.id, w.region])),
  );
  const workers = regions.map((region) =>
    createIngestWorker({
      region,
      transport: deps.transport,
      store: deps.store,
      registry: deps.registry,
      directory,
      models: deps.models,
      logger: deps.logger ?? silentLogger,
      options: {
        groupId: deps.groupIdOf(region),
        maxWaitMs: 100,
        mergePollMs: 500,
        lagIntervalMs: 1_000,
        table: {
          scratchDir: join(deps.workDir, region, "scratch"),
          cacheDir: join(deps.workDir, region, "cache"),
        },
        duckdb: { config: { threads: String(o.threads) } },
      },
    }),
  );
  const started: IngestWorker[] = [];
  try {
    for (const w of workers) {
      await w.start();
      started.push(w);
    }
  } catch (err) {
    await Promise.allSettled(started.map((w) => w.stop()));
    throw err;
  }
  const count = (pick: (w: IngestWorker) => number): number => workers.reduce((sum, w) => sum + pick(w), 0);
  const merged = () => count((w) => w.metrics.recordsOut.get({ region: w.region, stage: "merge" }));
  const consumed = () => count((w) => w.metrics.recordsIn.get({ region: w.region }));
  // A worker that fails stops itself; its done promise rejects with the reason.
  const failure = Promise.race(workers.map((w) => w.done.then(() => new Promise<never>(() => undefined))));
  failure.catch(() => undefined);

  return {
    workers,
    merged,
    async untilIdle() {
      let last = -1;
      let lastChange = Date.now();
      for (;;) {
        const caughtUp = await Promise.race([Promise.all(workers.map((w) => w.caughtUp())), failure]);
        if (caughtUp.every(Boolean)) return;
        const progress = consumed() + merged();
        if (progress !== last) {
          last = progress;
          lastChange = Date.now();
        } else if (Date.now() - lastChange > o.stallMs)
          throw new Error(
            `the ingest workers made no progress for ${o.stallMs} ms: ` +
              JSON.stringify(Object.fromEntries(workers.map((w) => [w.region, w.progress()]))),
          );
        await Promise.race([new Promise((r) => setTimeout(r, o.pollMs)), failure]);
      }
    },
    async stop() {
      const results = await Promise.allSettled(workers.map((w) => w.stop()));
      const failed = results.find((r) => r.status === "rejected");
      if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
    },
    stats() {
      return workers.map((w): RegionStats => {
        const m = w.metrics;
        const region = w.region;
        return {
          region,
          workspaces: deps.workspaces.filter((ws) => ws.region === region).length,
          consumed: m.recordsIn.get({ region }),
          ingested: m.recordsOut.get({ region, stage: "sink" }),
          merged: m.recordsOut.get({ region, stage: "merge" }),
          deadLettered: DEAD_LETTER_REASONS.reduce(
            (s, reason) => s + m.deadLetters.get({ region, reason }),
            0,
          ),
          dropped: DROP_REASONS.reduce((s, reason) => s + m.dropped.get({ region, reason }), 0),
          freshnessP50: m.freshness.quantile(0.5, { region, stage: "merge" }),
          freshnessP99: m.freshness.quantile(0.99, { region, stage: "merge" }),
        };
      });
    },
  };
}
