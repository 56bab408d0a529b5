// The demo, start to end: compile the schemas, open the bus and the lake, generate the workload, start one ingest
// worker per region, publish the delivery plan (shuffled, with duplicates) through the producer SDK while they
// run, wait until every record is merged, stop them gracefully, check every table against the last-writer-wins
// oracle and run the seed's analyst query. Returns plain values; printing is format-demo-summary.ts's job.
import type { Logger } from "@facsimile/bus";
import { loadDefaultRegistry } from "@facsimile/schemas";
import { compileModels } from "@facsimile/transforms";
import { bucketQuantile, freshnessBuckets } from "./combined-freshness.js";
import { compileDemoSchemas, type SchemasStep } from "./compile-demo-schemas.js";
import { demoOracleRecords } from "./demo-oracle.js";
import type { DemoProgress } from "./demo-progress.js";
import { exploreCommands } from "./explore-commands.js";
import { generateJiraWorkload, showcaseWorkspace, type WorkloadStats } from "./generate-jira-workload.js";
import { type DemoBackendSettings, openDemoBackends } from "./open-demo-backends.js";
import { planDelivery } from "./plan-delivery.js";
import { prepareDemoState } from "./prepare-demo-state.js";
import { DEFAULT_PUBLISH_OPTIONS, type PublishStats, publishDeliveries } from "./publish-deliveries.js";
import { type RegionStats, startRegionWorkers } from "./run-region-workers.js";
import { runShowcaseQuery, type ShowcaseQuery } from "./run-showcase-query.js";
import { formatCount, formatSeconds } from "./text-format.js";
import { type DemoVerification, verifyDemoTables } from "./verify-demo-tables.js";

export interface DemoSettings extends DemoBackendSettings {
  readonly size: number;
  readonly workloadSeed: number;
  readonly deliverySeed: number;
  readonly regions: readonly string[];
  readonly fresh: boolean;
  /** Partitions of each region's records topic. */
  readonly partitions: number;
  /** The schemas folder to compile, as given (relative to cwd); undefined: the nearest schemas/. */
  readonly schemasDir: string | undefined;
}

export const DEFAULT_DEMO_SETTINGS: Readonly<Omit<DemoSettings, "dataDir">> = Object.freeze({
  size: 1,
  workloadSeed: 1,
  deliverySeed: 1,
  regions: Object.freeze(["us", "eu", "apac"]),
  fresh: false,
  partitions: 6,
  schemasDir: undefined,
  kafka: undefined,
  s3: undefined,
  bucket: "facsimile-demo",
  prefix: "",
});

export interface DemoContext {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly progress: DemoProgress;
  /** Where the workers' warnings go (silent by default). */
  readonly logger?: Logger;
}

export interface DemoResult {
  readonly settings: {
    readonly size: number;
    readonly workloadSeed: number;
    readonly deliverySeed: number;
    readonly regions: readonly string[];
    readonly bus: string;
    readonly lake: string;
    /** True when this run added a new delivery to an earlier run of the same workload. */
    readonly reused: boolean;
    readonly wiped: string | undefined;
  };
  readonly schemas: SchemasStep;
  readonly workload: { readonly workspaces: number; readonly stats: WorkloadStats; readonly ms: number };
  readonly delivery: PublishStats & { readonly duplicates: number };
  readonly regions: readonly RegionStats[];
  /** From the first publish to the last merge commit. */
  readonly endToEnd: { readonly records: number; readonly seconds: number; readonly perSecond: number };
  /** Record append to merge commit, all regions, from the workers' histograms. */
  readonly freshness: { readonly p50: number | undefined; readonly p99: number | undefined };
  readonly verification: DemoVerification & { readonly ms: number };
  readonly query: ShowcaseQuery;
  readonly explore: readonly string[];
}

export async function runDemo(settings: DemoSettings, ctx: DemoContext): Promise<DemoResult> {
  const { progress } = ctx;
  const schemas = await compileDemoSchemas(ctx.cwd, settings.schemasDir);
  progress.step(
    schemas.dir === undefined
      ? "schemas: no schemas folder here; using the compiled registry of @facsimile/schemas"
      : `schemas: compiled ${schemas.entities} entities from ${schemas.dir}/entities in ${formatSeconds(schemas.ms / 1000)}` +
          (schemas.stale === 0
            ? ", generated files up to date"
            : `, ${schemas.stale} generated file(s) stale`),
  );
  const registry = loadDefaultRegistry();
  const { models } = await compileModels(registry);
  const backends = await openDemoBackends(settings, ctx.env);
  try {
    const identity = { seed: settings.workloadSeed, size: settings.size, regions: settings.regions };
    const state = await prepareDemoState(backends, identity, {
      fresh: settings.fresh,
      partitions: settings.partitions,
    });
    if (state.wiped !== undefined) progress.step(`data: ${state.wiped}`);
    progress.step(`bus: ${backends.transport.url}; lake: ${backends.store.url}`);

    const generateStarted = performance.now();
    const workload = generateJiraWorkload(identity);
    const plan = planDelivery(workload.changes.length, { seed: settings.deliverySeed });
    const generateMs = performance.now() - generateStarted;
    const s = workload.stats;
    progress.step(
      `workload: ${workload.workspaces.length} workspaces, ${formatCount(s.changes)} changes to ` +
        `${formatCount(s.resources.JiraIssue)} issues, ${s.resources.JiraProject} projects, ` +
        `${s.resources.ConfluencePage} pages; delivering ${formatCount(plan.order.length)} records ` +
        `(${formatCount(plan.duplicates)} duplicates, shuffled)`,
    );

    const workers = await startRegionWorkers(
      {
        transport: backends.transport,
        store: backends.store,
        registry,
        models,
        workspaces: workload.workspaces,
        groupIdOf: (region) => `facsimile-demo-${region}-${state.runId}`,
        workDir: backends.workDir,
        ...(ctx.logger === undefined ? {} : { logger: ctx.logger }),
      },
      settings.regions,
    );
    let published = 0;
    let delivery: PublishStats;
    let seconds: number;
    progress.track(() => ({ published, ingested: workers.merged(), total: plan.order.length }));
    try {
      const started = performance.now();
      delivery = await publishDeliveries(
        { transport: backends.transport, store: backends.store, registry, workspaces: workload.workspaces },
        workload.changes,
        plan.order,
        (n) => {
          published = n;
        },
      );
      await workers.untilIdle();
      seconds = (performance.now() - started) / 1000;
    } finally {
      progress.stop();
      await workers.stop();
    }
    const buckets = freshnessBuckets(workers.workers.map((w) => w.metrics.registry.render()));

    const verifyStarted = performance.now();
    const regionOf = new Map(workload.workspaces.map((w) => [w.id, w.region]));
    const oracle = demoOracleRecords({
      registry,
      store: backends.store,
      changes: workload.changes,
      regionOf,
      offloadThresholdBytes: DEFAULT_PUBLISH_OPTIONS.offloadThresholdBytes,
    });
    const verification = await verifyDemoTables({
      store: backends.store,
      registry,
      regions: settings.regions,
      regionOf,
      oracle,
      order: plan.order,
    });
    const verifyMs = performance.now() - verifyStarted;

    const showcase = showcaseWorkspace(workload);
    const query = await runShowcaseQuery(backends.store, showcase.region, showcase.id, backends.workDir);
    return {
      settings: {
        size: settings.size,
        workloadSeed: settings.workloadSeed,
        deliverySeed: settings.deliverySeed,
        regions: settings.regions,
        bus: backends.transport.url,
        lake: backends.store.url,
        reused: state.reused,
        wiped: state.wiped,
      },
      schemas,
      workload: { workspaces: workload.workspaces.length, stats: s, ms: generateMs },
      delivery: { ...delivery, duplicates: plan.duplicates },
      regions: workers.stats(),
      endToEnd: { records: delivery.records, seconds, perSecond: delivery.records / seconds },
      freshness: { p50: bucketQuantile(buckets, 0.5), p99: bucketQuantile(buckets, 0.99) },
      verification: { ...verification, ms: verifyMs },
      query,
      explore: exploreCommands({
        cwd: ctx.cwd,
        env: ctx.env,
        lake: backends.lake,
        queryEnv: backends.queryEnv,
        region: showcase.region,
        workspace: showcase.id,
      }),
    };
  } finally {
    await backends.close();
  }
}
