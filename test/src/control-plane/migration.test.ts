// Residency migration under live publishing, embedded (local bus and lake) and on Kafka + MinIO, with one ingest
// worker per region following the control plane's directory. While a publisher keeps sending the workspace's changes to
// wherever the directory says it lives, the workspace moves eu -> us (interrupted after copy: rolled back),
// eu -> us again (interrupted after the switch: resumed), and us -> eu (interrupted after verify: resumed).
// Afterwards every table of its home equals the last-writer-wins oracle of everything published, the other region
// holds nothing of it, and the workspace that never moved is untouched: 0 records lost, 0 applied twice.
import { createRegionTopics, recordsTopic, type Transport } from "@facsimile/bus";
import {
  bootstrapDirectory,
  createJobStore,
  type DirectoryView,
  isControlPlaneError,
  type MigrateDeps,
  rollbackMigration,
  runMigration,
  startMigration,
} from "@facsimile/control-plane";
import { createIngestWorker, type IngestWorker } from "@facsimile/ingest";
import {
  deliveryMessage,
  generateWorkload,
  lwwOracle,
  untilCaughtUp,
  verifyTables,
} from "@facsimile/ingest/testing";
import { openDuckDb, openTable, readRows, regionLayout } from "@facsimile/lake";
import type { ObjectStore } from "@facsimile/object-store";
import { loadDefaultRegistry } from "@facsimile/schemas";
import { compileModels } from "@facsimile/transforms";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ControlSetup, controlSetup } from "./control-support.js";

const registry = loadDefaultRegistry();
const W = "ws-1";
const STILL = "ws-0";
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe.each(["embedded", "kafka+minio"] as const)(
  "residency migration under live publishing (%s)",
  (backend) => {
    let setup: ControlSetup;
    let transport: Transport;
    let store: ObjectStore;
    let view: DirectoryView;
    let eu: string;
    let us: string;
    let duck: Awaited<ReturnType<typeof openDuckDb>>;
    const workers: IngestWorker[] = [];

    beforeAll(async () => {
      setup = await controlSetup(backend);
      ({ transport, store, view } = setup);
      [eu, us] = setup.regions;
      for (const r of setup.regions) await createRegionTopics(transport, r, { partitions: 2 });
      await bootstrapDirectory(
        view,
        [STILL, W].map((id) => ({
          workspaceId: id,
          realm: "global",
          regions: [eu],
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

    it("moves a workspace between regions and back with an interruption at every step; tables equal the oracle", {
      timeout: 240_000,
    }, async () => {
      const workload = generateWorkload(registry, store, {
        seed: 5,
        workspaces: 2,
        issuesPerWorkspace: 8,
        pagesPerWorkspace: 4,
        largeShare: 0.5,
        // Just above the 64 KiB offload threshold: offloaded, without moving megabytes through S3.
        largeBytes: 70 * 1024,
        // Where the producer of the home region puts them: a migration must carry them along.
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
      // The publisher sends each record to the topic of the region the directory names at that moment.
      const deliveries = [...workload.deliveries];
      // Records of W produced while it lived in eu (pointing at eu's offloads) but consumed only after W left eu.
      const held = deliveries.filter(
        (d) => d.workspaceId === W && d.record.payload.case === "offloadPointer",
      );
      held.splice(4);
      for (const d of held) deliveries.splice(deliveries.indexOf(d), 1);
      expect(held.length).toBeGreaterThan(0);
      // Records of W a producer with a stale view sends to eu after the switch to us (whatever the live loop sent).
      const stale = deliveries.filter((d) => d.workspaceId === W).slice(0, 6);
      for (const d of stale) deliveries.splice(deliveries.indexOf(d), 1);
      expect(stale.length).toBe(6);
      let sent = 0;
      // One publish at a time (the live loop and the test's own sends share the position).
      let queue: Promise<void> = Promise.resolve();
      const publish = (n: number): Promise<void> => {
        queue = queue.then(async () => {
          for (const d of deliveries.slice(sent, sent + n)) {
            const home = view.regionOf(d.workspaceId) ?? eu;
            await transport.produce(recordsTopic(home), [deliveryMessage(d)]);
          }
          sent = Math.min(deliveries.length, sent + n);
        });
        return queue;
      };
      await publish(Math.floor(deliveries.length / 3));
      let live = true;
      const publisher = (async () => {
        while (live && sent < deliveries.length) {
          await publish(1);
          await sleep(100);
        }
      })();
      publisher.catch(() => undefined);

      const writers = models.map((m) => ({ table: m.table, writer: m.writer }));
      const deps: MigrateDeps = {
        store,
        lakeRoot: "",
        duckdb: duck.connection,
        writers,
        view,
        jobs: createJobStore(store),
      };
      const opts = { settleMs: 400, mergeWaitMs: 30_000 };
      const interrupted = async (p: Promise<unknown>): Promise<string> => {
        const err = await p.then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(isControlPlaneError(err) && err.code).toBe("MIGRATION_INTERRUPTED");
        const jobs = await deps.jobs.list();
        return (jobs.at(-1) as { id: string }).id;
      };

      const offloadsOf = async (region: string): Promise<number> => {
        let n = 0;
        for await (const _ of store.list(`${regionLayout.offload(region)}/${W}/`)) n++;
        return n;
      };

      // 1. eu -> us, interrupted after the copy: rolled back; W lives in eu only.
      const first = await interrupted(startMigration(deps, W, [us], { ...opts, interruptAfter: "copied" }));
      expect((await deps.jobs.get(first))?.step).toBe("copied");
      expect((await rollbackMigration(deps, first, opts)).step).toBe("rolled-back");
      expect(view.get(W)).toMatchObject({ regions: [eu], state: "ONLINE" });
      expect(await rowsOf(us, W)).toBe(0);

      // 2. eu -> us, interrupted after the switch: resumed to the end.
      const second = await interrupted(
        startMigration(deps, W, [us], { ...opts, interruptAfter: "switched" }),
      );
      expect(view.get(W)).toMatchObject({ regions: [us], state: "MIGRATING" });
      // A producer with a stale view still sends to eu: those records must be re-routed on consume, never lost.
      await transport.produce(recordsTopic(eu), stale.map(deliveryMessage));
      const done = await runMigration(deps, second, opts);
      expect(done.step).toBe("deleted");
      expect(done.verification?.every((v) => v.missing === 0)).toBe(true);
      expect(view.get(W)).toMatchObject({ regions: [us], state: "ONLINE" });
      // eu's copies of W's offloads are gone; records produced before (pointing there) are still in flight.
      expect(await offloadsOf(eu)).toBe(0);
      await transport.produce(recordsTopic(us), held.map(deliveryMessage));

      // 3. us -> eu, interrupted after verify: resumed (delete) to the end; a second resume is a no-op.
      const third = await interrupted(startMigration(deps, W, [eu], { ...opts, interruptAfter: "verified" }));
      expect((await runMigration(deps, third, opts)).step).toBe("deleted");
      expect((await runMigration(deps, third, opts)).step).toBe("deleted");
      expect(view.get(W)).toMatchObject({ regions: [eu], state: "ONLINE" });

      live = false;
      await publisher;
      await publish(deliveries.length);
      // Re-routes move records between topics: wait until both regions are idle twice in a row.
      for (let round = 0; round < 2; round++) for (const w of workers) await untilCaughtUp(w);

      expect(await rowsOf(us, W)).toBe(0);
      const result = await verifyTables({
        store,
        region: eu,
        connection: duck.connection,
        registry,
        winners: lwwOracle(workload.records),
        delivered: workload.deliveries,
      });
      // The change history holds each record once (its identity), whichever region's topic delivered it.
      expect(result.differences).toEqual([]);
      // Records still pointing at a region W had left resolved in the region it lives in: nothing dead-lettered.
      for (const w of workers)
        for (const reason of ["OFFLOAD_MISSING", "OFFLOAD_CORRUPT"])
          expect(w.metrics.deadLetters.get({ region: w.region, reason }), `${w.region} ${reason}`).toBe(0);
      expect(await offloadsOf(us)).toBe(0);
      expect(await offloadsOf(eu)).toBeGreaterThan(0);
      expect(result.rows.jira_issue).toBeGreaterThan(0);
      const changes = await readRows(
        openTable(store, regionLayout.table(eu, "jira_issue_change"), duck.connection),
      );
      const deliveriesOf = changes.map(
        (r) =>
          `${r.envelope_fields_resource_ari_value}/${r.envelope_fields_generation_counter}/${r.envelope_fields_version}/${r.envelope_fields_is_tombstone}/${r.envelope_fields_payload_hash}`,
      );
      expect(new Set(deliveriesOf).size).toBe(deliveriesOf.length);
      expect(changes.length).toBeLessThanOrEqual(deliveries.filter((d) => d.entity === "JiraIssue").length);
      expect((await deps.jobs.list()).map((j) => j.step)).toEqual(["rolled-back", "deleted", "deleted"]);
      // Publishing was live across the migrations: records published to the old home were re-routed on consume.
      const rerouted = workers.reduce(
        (n, w) => n + w.metrics.rerouted.get({ region: w.region, to: w.region === eu ? us : eu }),
        0,
      );
      expect(rerouted).toBeGreaterThan(0);
    });

    /** Rows of a workspace in every target table of a region. */
    async function rowsOf(region: string, ws: string): Promise<number> {
      let n = 0;
      for (const m of await compileModels(registry).then((c) => c.models)) {
        const rows = await readRows(
          openTable(store, regionLayout.table(region, m.table), duck.connection),
        ).catch(() => []);
        n += rows.filter((r) => r.workspace_id === ws).length;
      }
      return n;
    }
  },
);
