// Region sets (the blog's "global" shards), embedded: a workspace whose directory entry names several data regions
// is held by every one of them. Its producers publish to its home region; the worker of whichever region of the set
// takes a record first replicates it to the others (a replica is never replicated again), and a worker of a
// region outside the set re-routes it home. The workspace moves one region -> global (copy adds the new region,
// deletes nothing) -> the other region (copies nothing, deletes the region left), under publishing to the home
// and to a non-home region of the set; each time every region of the set equals the LWW oracle of the workspace
// and a region outside it holds nothing of it.
import { createRegionTopics, recordsTopic, type Transport } from "@facsimile/bus";
import {
  bootstrapDirectory,
  createJobStore,
  type DirectoryView,
  type MigrateDeps,
  startMigration,
} from "@facsimile/control-plane";
import { createIngestWorker, type IngestWorker } from "@facsimile/ingest";
import {
  deliveryMessage,
  generateWorkload,
  lwwOracle,
  untilCaughtUp,
  verifyTables,
  type WorkloadRecord,
} from "@facsimile/ingest/testing";
import { openDuckDb, regionLayout } from "@facsimile/lake";
import type { ObjectStore } from "@facsimile/object-store";
import { loadDefaultRegistry } from "@facsimile/schemas";
import { compileModels } from "@facsimile/transforms";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ControlSetup, controlSetup } from "./control-support.js";

const registry = loadDefaultRegistry();
const W = "ws-1";
const X = "ws-0";

describe("region sets (embedded)", () => {
  let setup: ControlSetup;
  let transport: Transport;
  let store: ObjectStore;
  let view: DirectoryView;
  let duck: Awaited<ReturnType<typeof openDuckDb>>;
  const workers: IngestWorker[] = [];

  beforeAll(async () => {
    setup = await controlSetup("embedded");
    ({ transport, store, view } = setup);
    for (const r of setup.regions) await createRegionTopics(transport, r, { partitions: 2 });
    await bootstrapDirectory(
      view,
      [X, W].map((id) => ({
        workspaceId: id,
        realm: "global",
        regions: [setup.regions[0]],
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
    for (const w of workers) await w.stop().catch(() => undefined);
    duck?.close();
    await setup?.close();
  });

  it("replicates a workspace to every region of its set, through one region -> global -> the other region", {
    timeout: 120_000,
  }, async () => {
    const [eu, us] = setup.regions;
    const workload = generateWorkload(registry, store, {
      seed: 21,
      workspaces: 2,
      issuesPerWorkspace: 6,
      largeShare: 0.5,
      // Just above the 64 KiB offload threshold: offloaded, without moving megabytes through S3.
      largeBytes: 70 * 1024,
      offloadPrefix: regionLayout.offload(eu),
    });
    for (const o of workload.offloads) await store.put(o.key, o.bytes);
    const { models } = await compileModels(registry);
    for (const region of [eu, us]) {
      const worker = createIngestWorker({
        region,
        transport,
        store,
        registry,
        models,
        directory: view,
        options: { maxBatchSize: 40, maxWaitMs: 20, mergePollMs: 100, idleAdvanceVersions: 1 },
      });
      await worker.start();
      workers.push(worker);
    }
    const send = async (ds: readonly WorkloadRecord[], to?: string): Promise<void> => {
      for (const d of ds)
        await transport.produce(recordsTopic(to ?? view.regionOf(d.workspaceId) ?? eu), [deliveryMessage(d)]);
    };
    const settle = async (): Promise<void> => {
      // Replicas and re-routes move records between topics: both regions idle twice in a row.
      for (let round = 0; round < 2; round++) for (const w of workers) await untilCaughtUp(w);
    };
    const check = async (region: string, workspaces: readonly string[]): Promise<void> => {
      const mine = (r: { workspaceId: string }) => workspaces.includes(r.workspaceId);
      const result = await verifyTables({
        store,
        region,
        connection: duck.connection,
        registry,
        winners: lwwOracle(workload.records, mine),
        delivered: workload.deliveries.filter(mine),
      });
      expect(result.differences, `${region} holds ${workspaces.join(",")}`).toEqual([]);
    };
    const deps: MigrateDeps = {
      store,
      lakeRoot: "",
      duckdb: duck.connection,
      writers: models.map((m) => ({ table: m.table, writer: m.writer })),
      view,
      jobs: createJobStore(store),
    };
    const opts = { settleMs: 300, mergeWaitMs: 30_000 };
    const deliveries = workload.deliveries;
    const third = Math.floor(deliveries.length / 3);

    // W in eu only: a record of it sent to us is re-routed home.
    await send(deliveries.slice(0, third));
    await send(
      deliveries.slice(third, third + 4).filter((d) => d.workspaceId === W),
      us,
    );
    await settle();

    // eu -> [eu, us] ("global"): the copy adds us, nothing is deleted from eu.
    const global = await startMigration(deps, W, [eu, us], opts);
    expect(global.plan).toMatchObject({ add: [us], remove: [], keep: [eu] });
    expect(view.regionsOf(W)).toEqual([eu, us]);
    // Live records of W go home (eu) and, from another producer, to us: each region replicates to the other.
    const rest = deliveries.slice(third);
    const middle = rest.slice(0, Math.floor(rest.length / 2));
    await send(middle.filter((d, i) => d.workspaceId !== W || i % 3 !== 0));
    await send(
      middle.filter((d, i) => d.workspaceId === W && i % 3 === 0),
      us,
    );
    await settle();
    const replicated = (from: string, to: string) =>
      (workers.find((w) => w.region === from) as IngestWorker).metrics.replicated.get({ region: from, to });
    expect(replicated(eu, us)).toBeGreaterThan(0);
    expect(replicated(us, eu)).toBeGreaterThan(0);
    const upTo = rest.length - Math.floor(rest.length / 2);
    const published = deliveries.slice(0, deliveries.length - upTo);
    const checkPublished = async (region: string, workspaces: readonly string[]): Promise<void> => {
      const mine = (r: { workspaceId: string }) => workspaces.includes(r.workspaceId);
      // The oracle of what was published so far: the LWW winners among those deliveries.
      const result = await verifyTables({
        store,
        region,
        connection: duck.connection,
        registry,
        winners: lwwOracle(published, mine),
        delivered: published.filter(mine),
      });
      expect(result.differences, `${region} holds ${workspaces.join(",")}`).toEqual([]);
    };
    await checkPublished(eu, [X, W]);
    await checkPublished(us, [W]);

    // [eu, us] -> us: nothing is copied (us has W), W leaves eu.
    const toUs = await startMigration(deps, W, [us], opts);
    expect(toUs.plan).toMatchObject({ add: [], remove: [eu], keep: [us] });
    await send(rest.slice(Math.floor(rest.length / 2)));
    await settle();
    await check(us, [W]);
    await check(eu, [X]);
    for (const w of workers)
      for (const reason of ["OFFLOAD_MISSING", "OFFLOAD_CORRUPT", "UNKNOWN_WORKSPACE"])
        expect(w.metrics.deadLetters.get({ region: w.region, reason }), `${w.region} ${reason}`).toBe(0);
  });
});
