// Maintenance beside a live ingest worker (embedded bus and lake, the directory's file log): optimize runs while
// records stream in and merges commit, re-plans what they take, never raises, and the tables equal the
// last-writer-wins oracle afterwards; purge-tombstones drops the winning tombstones (horizon 0) after guarding them
// in the registry, and the older records of those resources replayed late are dropped by ingest, never merged
// back; vacuum then deletes what no version within the retention needs and every table still reads the same.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLocalTransport, createRegionTopics, recordsTopic, type Transport } from "@facsimile/bus";
import {
  bootstrapDirectory,
  createDirectoryView,
  createFileDirectoryLog,
  type DirectoryView,
  listLakeTables,
} from "@facsimile/control-plane";
import { createIngestWorker, type IngestWorker } from "@facsimile/ingest";
import {
  generateWorkload,
  lwwOracle,
  publishWorkload,
  untilCaughtUp,
  verifyTables,
  type Workload,
} from "@facsimile/ingest/testing";
import { loadSnapshot, openDuckDb, openTable, readRows } from "@facsimile/lake";
import { type MaintenanceOperation, runMaintenance, type TableReport } from "@facsimile/maintenance";
import { LocalObjectStore } from "@facsimile/object-store";
import { loadDefaultRegistry } from "@facsimile/schemas";
import { compileModels } from "@facsimile/transforms";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const registry = loadDefaultRegistry();
const region = "eu";

describe("maintenance beside a live ingest worker (embedded)", () => {
  let dir: string;
  let transport: Transport;
  let store: LocalObjectStore;
  let view: DirectoryView;
  let worker: IngestWorker;
  let duck: Awaited<ReturnType<typeof openDuckDb>>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "facsimile-maint-it-"));
    transport = createLocalTransport({ directory: join(dir, "bus"), fsync: false });
    store = new LocalObjectStore(join(dir, "lake"), { durable: false });
    view = createDirectoryView(createFileDirectoryLog(join(dir, "directory.log")), {
      refreshIntervalMs: 100,
    });
    await createRegionTopics(transport, region, { partitions: 2 });
    await bootstrapDirectory(
      view,
      ["ws-0", "ws-1", "ws-2"].map((workspaceId) => ({
        workspaceId,
        realm: region,
        regions: [region],
        state: "ONLINE" as const,
        deletionGeneration: "0",
        keyId: undefined,
        erasedResources: [],
      })),
    );
    await view.start();
    duck = await openDuckDb();
  });
  afterAll(async () => {
    await worker?.stop().catch(() => undefined);
    view?.stop();
    duck?.close();
    await transport?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const maintain = (operation: MaintenanceOperation, options = {}): Promise<TableReport[]> =>
    runMaintenance({ store, lakeRoot: "", duckdb: duck.connection, view }, operation, { region }, options);

  async function filesPerPartition(): Promise<number> {
    let most = 0;
    for (const t of await listLakeTables(store, "", [region])) {
      const counts = new Map<string, number>();
      for (const add of (await loadSnapshot(openTable(store, t.path, duck.connection))).files.values()) {
        const k = JSON.stringify(add.partitionValues);
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
      for (const n of counts.values()) most = Math.max(most, n);
    }
    return most;
  }

  it("optimizes while merges stream, purges tombstones no late record brings back, vacuums", {
    timeout: 300_000,
  }, async () => {
    const options = {
      workspaces: 3,
      issuesPerWorkspace: 12,
      projectsPerWorkspace: 2,
      pagesPerWorkspace: 4,
      largeShare: 0,
    };
    const first = generateWorkload(registry, store, { ...options, seed: 11, tombstoneShare: 0.5 });
    const { models } = await compileModels(registry);
    worker = createIngestWorker({
      region,
      transport,
      store,
      registry,
      models,
      directory: view,
      options: { maxBatchSize: 40, maxWaitMs: 10, mergePollMs: 50, idleAdvanceVersions: 1 },
    });
    await worker.start();
    await publishWorkload(transport, store, region, first, 40);
    await untilCaughtUp(worker, { timeoutMs: 120_000 });
    const crowded = await filesPerPartition();
    expect(crowded).toBeGreaterThan(2);

    // A second workload streams in small chunks while optimize runs over and over.
    const second = generateWorkload(registry, store, { ...options, seed: 12, versionsPerResource: 4 });
    const publishing = (async () => {
      for (let i = 0; i < second.deliveries.length; i += 20) {
        await publishWorkload(transport, store, region, {
          deliveries: second.deliveries.slice(i, i + 20),
          offloads: [],
        });
        await new Promise((r) => setTimeout(r, 30));
      }
    })();
    const reports: TableReport[] = [];
    let streaming = true;
    void publishing.finally(() => {
      streaming = false;
    });
    do reports.push(...(await maintain("optimize", { minFilesToCompact: 2 })));
    while (streaming);
    await publishing;
    await untilCaughtUp(worker, { timeoutMs: 120_000 });
    expect(reports.filter((r) => r.error !== undefined).map((r) => String(r.error))).toEqual([]);
    expect(reports.some((r) => r.result?.version !== undefined)).toBe(true);
    const both: Workload["records"] = [...first.records, ...second.records];
    const verified = await verifyTables({
      store,
      region,
      connection: duck.connection,
      registry,
      winners: lwwOracle(both),
      delivered: [...first.deliveries, ...second.deliveries],
    });
    expect(verified.differences).toEqual([]);
    // Once the stream is merged, one more optimize leaves at most one small file per partition of each table.
    await maintain("optimize", { minFilesToCompact: 2 });
    expect(await filesPerPartition()).toBeLessThanOrEqual(2);

    // Purge every winning tombstone (horizon 0), then replay the older records of those resources.
    const purge = await maintain("purge-tombstones", { purgeHorizonMs: 0, registrySettleMs: 500 });
    expect(purge.filter((r) => r.error !== undefined)).toEqual([]);
    const purged = new Set(
      purge.flatMap((r) =>
        r.plan?.kind === "purge-tombstones"
          ? r.plan.resources.map((x) => `${x.workspaceId} ${x.resourceAri}`)
          : [],
      ),
    );
    expect(purged.size).toBeGreaterThan(0);
    const late = both.filter(
      (r) => purged.has(`${r.workspaceId} ${r.record.resourceAri}`) && !r.record.isTombstone,
    );
    expect(late.length).toBeGreaterThan(0);
    const droppedBefore = worker.metrics.dropped.get({ region, reason: "erased" });
    await transport.produce(
      recordsTopic(region),
      late.map((r) => ({ key: r.workspaceId, value: r.bytes })),
    );
    await untilCaughtUp(worker, { timeoutMs: 120_000 });
    // Every late record is dropped as erased by the registry check (identical records of the two workloads once).
    const distinct = new Set(late.map((r) => Buffer.from(r.bytes).toString("base64"))).size;
    expect(worker.metrics.dropped.get({ region, reason: "erased" }) - droppedBefore).toBe(distinct);
    const jiraIssues = await readRows(
      openTable(
        store,
        (await listLakeTables(store, "", [region])).find((t) => t.name === "jira_issue")?.path ?? "",
        duck.connection,
      ),
    );
    const back = jiraIssues.filter((r) =>
      purged.has(`${r.workspace_id} ${r.envelope_fields_resource_ari_value}`),
    );
    expect(back).toEqual([]);

    // Vacuum with no retention: the files only older versions used go; the latest versions read the same.
    const before = new Map<string, string[]>();
    for (const t of await listLakeTables(store, "", [region]))
      before.set(
        t.name,
        (await readRows(openTable(store, t.path, duck.connection))).map((r) => JSON.stringify(r)).sort(),
      );
    const vacuum = await maintain("vacuum", { retentionMs: 0, orphanSafetyMs: 0 });
    expect(vacuum.filter((r) => r.error !== undefined)).toEqual([]);
    expect(vacuum.reduce((n, r) => n + Number(r.result?.filesDeleted ?? 0), 0)).toBeGreaterThan(0);
    for (const t of await listLakeTables(store, "", [region]))
      expect(
        (await readRows(openTable(store, t.path, duck.connection))).map((r) => JSON.stringify(r)).sort(),
      ).toEqual(before.get(t.name));
  });
});
