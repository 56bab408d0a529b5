// Residency migration through the `facsimile control migrate` command, killed (SIGKILL) during each of its steps
// (copy, switch, verify, delete), then rolled back or resumed by a new process: the job in the lake is all the next
// process needs. Embedded (local bus, local lake, the directory's file log) and on Kafka + MinIO (the directory on a
// compacted topic of its own, the lake under an S3 prefix of its own). The ingest workers of both regions run in
// this process, and a publisher keeps sending the workspace's records to wherever the directory says it lives
// while the migrations run and are killed; the workspace's offloaded payloads live in its region and move with it.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createRegionTopics, recordsTopic, type Transport } from "@facsimile/bus";
import {
  bootstrapDirectory,
  createJobStore,
  type DirectoryView,
  type MigrationJob,
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

const CLI = fileURLToPath(new URL("../../../cli/dist/main.js", import.meta.url));
const registry = loadDefaultRegistry();
const W = "ws-1";
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe.each(["embedded", "kafka+minio"] as const)(
  "facsimile control migrate under live publishing (%s), killed at a step and resumed or rolled back by a new process",
  (backend) => {
    let setup: ControlSetup;
    let transport: Transport;
    let store: ObjectStore;
    let view: DirectoryView;
    let eu: string;
    let us: string;
    const workers: IngestWorker[] = [];

    beforeAll(async () => {
      setup = await controlSetup(backend);
      ({ transport, store, view } = setup);
      [eu, us] = setup.regions;
      for (const r of setup.regions) await createRegionTopics(transport, r, { partitions: 2 });
      await bootstrapDirectory(
        view,
        ["ws-0", W].map((id) => ({
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
    });
    afterAll(async () => {
      for (const w of workers) await w.stop().catch(() => undefined);
      await setup?.close();
    });

    /**
     * Where a kill lands: a line of the command's progress output (written synchronously after the job recorded the
     * state it names; the kill follows at once, while the command goes on with the step).
     */
    const DURING = {
      // The copy reports each table after it is copied: killed with some tables copied and others not.
      copy: /: copy \S+ -> \S+ \(1\/1\): jira_issue \d+ rows$/m,
      // Recorded "copied": the directory switch is the next write.
      switch: /: copied$/m,
      // Recorded "switched": the verify step waits for the merge, copies again and checks every row.
      verify: /: switched$/m,
      // The delete step has begun: W's offloads are being copied, then W is removed from the region it leaves.
      delete: /: copy offloads of /m,
    } as const;

    /** Runs the command; with killAt, SIGKILLs it as soon as its output matches. */
    async function migrate(
      args: string[],
      killAt?: RegExp,
    ): Promise<{ code: number | null; signal: string | null; out: string }> {
      const child = spawn(
        process.execPath,
        [CLI, "control", "migrate", ...setup.cli.args, "--settle", "300", "--merge-wait", "30000", ...args],
        { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...setup.cli.env } },
      );
      let out = "";
      const take = (b: Buffer): void => {
        out += b.toString();
        if (killAt?.test(out)) child.kill("SIGKILL");
      };
      child.stdout.on("data", take);
      child.stderr.on("data", take);
      const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
        child.on("exit", (code, signal) => resolve({ code, signal })),
      );
      return { ...(await exited), out };
    }
    const seen = new Set<string>();

    /** The job a killed run left, marked seen. */
    async function killedJob(): Promise<MigrationJob> {
      const job = (await createJobStore(store).list()).filter((j) => !seen.has(j.id)).at(-1) as MigrationJob;
      seen.add(job.id);
      return job;
    }

    it("a kill during copy, switch, verify and delete is rolled back or resumed; tables equal the oracle", {
      timeout: 240_000,
    }, async () => {
      const workload = generateWorkload(registry, store, {
        seed: 9,
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
      // The publisher sends each record to the topic of the region the directory names at that moment (a producer
      // with a stale view sends to the old home: the workers re-route on consume). A third of the workload goes
      // before the first migration; then one record every 100 ms, across every kill, resume and rollback: the rest
      // of the workload, then W's records again (redeliveries: applied once, the oracle unchanged).
      const deliveries = workload.deliveries;
      const again = deliveries.filter((d) => d.workspaceId === W);
      let sent = 0;
      let live = 0;
      const send = async (n: number): Promise<void> => {
        for (const d of deliveries.slice(sent, sent + n))
          await transport.produce(recordsTopic(view.regionOf(d.workspaceId) ?? eu), [deliveryMessage(d)]);
        sent = Math.min(deliveries.length, sent + n);
      };
      await send(Math.floor(deliveries.length / 3));
      for (const w of workers) await untilCaughtUp(w);
      let publishing = true;
      const publisher = (async () => {
        while (publishing) {
          if (sent < deliveries.length) await send(1);
          else {
            const d = again[live % again.length] as (typeof again)[number];
            await transport.produce(recordsTopic(view.regionOf(W) ?? eu), [deliveryMessage(d)]);
          }
          live++;
          await sleep(100);
        }
      })();
      publisher.catch(() => undefined);
      const where = async (): Promise<unknown> => {
        await view.refresh();
        return view.get(W);
      };

      // Records the live loop sent during each of the four steps.
      const during: number[] = [];
      let mark = live;
      const stepDone = (): void => {
        during.push(live - mark);
        mark = live;
      };

      // 1. eu -> us, killed during the copy: rolled back, W lives in eu only.
      const copy = await migrate(["--workspace", W, "--to", us], DURING.copy);
      expect(copy.signal, copy.out).toBe("SIGKILL");
      const first = await killedJob();
      expect(first.step).toBe("planned");
      expect(first.progress).toMatch(/^copy /);
      expect((await migrate(["--rollback", first.id])).out).toContain(`${first.id}: rolled-back`);
      expect(await where()).toMatchObject({ regions: [eu], state: "ONLINE" });
      expect(await rowsOf(us)).toBe(0);
      stepDone();

      // 2. eu -> us, killed at the switch: resumed to the end, W lives in us.
      const sw = await migrate(["--workspace", W, "--to", us], DURING.switch);
      expect(sw.signal, sw.out).toBe("SIGKILL");
      const second = await killedJob();
      // The switch is one directory write: the kill lands just before it or just after it is recorded.
      expect(["copied", "switched"]).toContain(second.step);
      const resumed = await migrate(["--resume", second.id]);
      expect(resumed.code, resumed.out).toBe(0);
      expect(resumed.out).toContain(`${second.id}: deleted`);
      expect(await where()).toMatchObject({ regions: [us], state: "ONLINE" });
      expect(await rowsOf(eu)).toBe(0);
      stepDone();

      // 3. us -> eu, killed during verify: rolled back (after the switch: what eu took is copied back), W in us.
      const verify = await migrate(["--workspace", W, "--to", eu], DURING.verify);
      expect(verify.signal, verify.out).toBe("SIGKILL");
      const third = await killedJob();
      expect(third.step).toBe("switched");
      expect((await migrate(["--rollback", third.id])).out).toContain(`${third.id}: rolled-back`);
      expect(await where()).toMatchObject({ regions: [us], state: "ONLINE" });
      expect(await rowsOf(eu)).toBe(0);
      stepDone();

      // 4. us -> eu, killed during delete: resumed (delete is replayable), W lives in eu.
      const del = await migrate(["--workspace", W, "--to", eu], DURING.delete);
      expect(del.signal, del.out).toBe("SIGKILL");
      const fourth = await killedJob();
      expect(fourth.step).toBe("verified");
      const finished = await migrate(["--resume", fourth.id]);
      expect(finished.code, finished.out).toBe(0);
      expect(await where()).toMatchObject({ regions: [eu], state: "ONLINE" });
      stepDone();
      publishing = false;
      await publisher;
      // Publishing was live across every step: records arrived while each migration ran, was killed and resumed.
      expect(
        during.every((n) => n > 0),
        during.join(","),
      ).toBe(true);
      await send(deliveries.length);
      // Re-routes move records between topics: wait until both regions are idle twice in a row.
      for (let round = 0; round < 2; round++) for (const w of workers) await untilCaughtUp(w);
      expect(await rowsOf(us)).toBe(0);
      for (const w of workers)
        for (const reason of ["OFFLOAD_MISSING", "OFFLOAD_CORRUPT"])
          expect(w.metrics.deadLetters.get({ region: w.region, reason }), `${w.region} ${reason}`).toBe(0);
      const duck = await openDuckDb();
      try {
        // Both workspaces live in eu now: its tables are the oracle of everything published.
        const result = await verifyTables({
          store,
          region: eu,
          connection: duck.connection,
          registry,
          winners: lwwOracle(workload.records),
          delivered: workload.deliveries,
        });
        expect(result.differences).toEqual([]);
        expect(result.rows.jira_issue).toBeGreaterThan(0);
      } finally {
        duck.close();
      }
    });

    /** Rows of W in every target table of a region. */
    async function rowsOf(region: string): Promise<number> {
      const duck = await openDuckDb();
      try {
        let n = 0;
        for (const m of (await compileModels(registry)).models) {
          const rows = await readRows(
            openTable(store, regionLayout.table(region, m.table), duck.connection),
          ).catch(() => []);
          n += rows.filter((r) => r.workspace_id === W).length;
        }
        return n;
      } finally {
        duck.close();
      }
    }
  },
);
