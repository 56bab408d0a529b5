// Residency migration through the `facsimile control migrate` command, killed (SIGKILL) as soon as its job records
// a step, then resumed or rolled back by a new process: the job in the lake is all the next process needs. The
// ingest workers of both regions run in this process on the same embedded bus, lake and directory file log.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createLocalTransport, createRegionTopics, type Transport } from "@facsimile/bus";
import {
  bootstrapDirectory,
  createDirectoryView,
  createFileDirectoryLog,
  createJobStore,
  type DirectoryView,
  MIGRATION_STEPS,
  type MigrationJob,
} from "@facsimile/control-plane";
import { waitFor } from "@facsimile/core/testing";
import { createIngestWorker, type IngestWorker } from "@facsimile/ingest";
import {
  generateWorkload,
  lwwOracle,
  publishWorkload,
  untilCaughtUp,
  verifyTables,
} from "@facsimile/ingest/testing";
import { openDuckDb } from "@facsimile/lake";
import { LocalObjectStore } from "@facsimile/object-store";
import { loadDefaultRegistry } from "@facsimile/schemas";
import { compileModels } from "@facsimile/transforms";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const CLI = fileURLToPath(new URL("../../../cli/dist/main.js", import.meta.url));
const registry = loadDefaultRegistry();
const W = "ws-1";

describe("facsimile control migrate, killed at a step and resumed or rolled back by a new process", () => {
  let dir: string;
  let transport: Transport;
  let store: LocalObjectStore;
  let view: DirectoryView;
  const workers: IngestWorker[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "facsimile-migrate-kill-"));
    transport = createLocalTransport({ directory: join(dir, "bus"), fsync: false });
    store = new LocalObjectStore(join(dir, "lake"), { durable: false });
    for (const r of ["eu", "us"]) await createRegionTopics(transport, r, { partitions: 2 });
    view = createDirectoryView(createFileDirectoryLog(join(dir, "directory.log")), {
      refreshIntervalMs: 100,
    });
    await bootstrapDirectory(
      view,
      ["ws-0", W].map((id) => ({
        workspaceId: id,
        realm: "global",
        regions: ["eu"],
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
    view?.stop();
    await transport?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs the command; with killAt, SIGKILLs it as soon as its job records that step. */
  async function migrate(
    args: string[],
    killAt?: MigrationJob["step"],
  ): Promise<{ code: number | null; signal: string | null; out: string }> {
    const child = spawn(
      process.execPath,
      [CLI, "control", "migrate", "--data", dir, "--settle", "300", "--merge-wait", "30000", ...args],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    child.stdout.on("data", (b: Buffer) => {
      out += b.toString();
    });
    child.stderr.on("data", (b: Buffer) => {
      out += b.toString();
    });
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.on("exit", (code, signal) => resolve({ code, signal })),
    );
    let done = false;
    void exited.then(() => {
      done = true;
    });
    if (killAt !== undefined) {
      const jobs = createJobStore(store);
      const at = MIGRATION_STEPS.indexOf(killAt as (typeof MIGRATION_STEPS)[number]);
      // Kill at the step or just after it (a fast step may land before the next poll), never at the end.
      await waitFor(
        `a job at step ${killAt}`,
        async () =>
          done ||
          (await jobs.list()).some(
            (j) =>
              !seen.has(j.id) &&
              MIGRATION_STEPS.indexOf(j.step as (typeof MIGRATION_STEPS)[number]) >= at &&
              j.step !== "deleted",
          ),
        {
          timeoutMs: 60_000,
          intervalMs: 10,
        },
      );
      child.kill("SIGKILL");
    }
    return { ...(await exited), out };
  }
  const seen = new Set<string>();

  it("a kill after the copy is rolled back, a kill after the switch is resumed; tables equal the oracle", {
    timeout: 180_000,
  }, async () => {
    const workload = generateWorkload(registry, store, { seed: 9, workspaces: 2, issuesPerWorkspace: 6 });
    await publishWorkload(transport, store, "eu", workload);
    const { models } = await compileModels(registry);
    for (const region of ["eu", "us"]) {
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
    for (const w of workers) await untilCaughtUp(w);
    const jobs = createJobStore(store);

    const first = await migrate(["--workspace", W, "--to", "us"], "copied");
    expect(first.signal, first.out).toBe("SIGKILL");
    const killed = (await jobs.list()).at(-1) as MigrationJob;
    seen.add(killed.id);
    expect(["copied", "switched"]).toContain(killed.step);
    const rolledBack = await migrate(["--rollback", killed.id]);
    expect(rolledBack.out).toContain(`${killed.id}: rolled-back`);
    await view.refresh();
    expect(view.get(W)).toMatchObject({ regions: ["eu"], state: "ONLINE" });

    const second = await migrate(["--workspace", W, "--to", "us"], "switched");
    expect(second.signal, second.out).toBe("SIGKILL");
    const interrupted = (await jobs.list()).at(-1) as MigrationJob;
    expect(["switched", "verified"]).toContain(interrupted.step);
    const resumed = await migrate(["--resume", interrupted.id]);
    expect(resumed.code).toBe(0);
    expect(resumed.out).toContain(`${interrupted.id}: deleted`);
    await view.refresh();
    expect(view.get(W)).toMatchObject({ regions: ["us"], state: "ONLINE" });

    for (let round = 0; round < 2; round++) for (const w of workers) await untilCaughtUp(w);
    const duck = await openDuckDb();
    try {
      for (const [region, ws] of [
        ["us", W],
        ["eu", "ws-0"],
      ] as const) {
        const mine = (r: { workspaceId: string }) => r.workspaceId === ws;
        const result = await verifyTables({
          store,
          region,
          connection: duck.connection,
          registry,
          winners: lwwOracle(workload.records, mine),
          delivered: workload.deliveries.filter(mine),
        });
        expect(result.differences).toEqual([]);
        expect(result.rows.jira_issue).toBeGreaterThan(0);
      }
    } finally {
      duck.close();
    }
  });
});
