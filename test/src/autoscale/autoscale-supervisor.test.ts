// The local supervisor on one machine: `facsimile ingest` workers on the embedded bus and a local lake, sized by
// the controller from their scraped metrics. A burst of records builds lag: a second worker is started; once the
// lag is gone it is stopped gracefully (SIGTERM, exit 0). After the supervisor's own graceful stop (the last
// worker drains the merge) the target tables equal the last-writer-wins oracle of the workload.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createSupervisor, type ScalePlan } from "@facsimile/autoscale";
import { createLocalTransport, createRegionTopics, recordsTopic, type Transport } from "@facsimile/bus";
import { waitFor } from "@facsimile/core/testing";
import { generateWorkload, lwwOracle, publishWorkload, verifyTables } from "@facsimile/ingest/testing";
import { openDuckDb } from "@facsimile/lake";
import { LocalObjectStore } from "@facsimile/object-store";
import { offloadUri } from "@facsimile/protocol";
import { loadDefaultRegistry } from "@facsimile/schemas";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const CLI = fileURLToPath(new URL("../../../cli/dist/main.js", import.meta.url));
const REGION = "autoscale";
const PARTITIONS = 4;
const registry = loadDefaultRegistry();

describe("autoscale supervisor on the embedded bus", () => {
  let dir: string;
  let transport: Transport;
  let store: LocalObjectStore;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "facsimile-autoscale-"));
    transport = createLocalTransport({ directory: join(dir, "bus"), fsync: false });
    store = new LocalObjectStore(join(dir, "lake"));
    await createRegionTopics(transport, REGION, { partitions: PARTITIONS });
  });
  afterAll(async () => {
    await transport.close();
    await rm(dir, { recursive: true, force: true });
  });

  let lastPending = "";
  /** True while records are not yet consumed into the sink (offsets not committed). */
  const pending = async (): Promise<boolean> => {
    const [high, committed] = await Promise.all([
      transport.latestOffsets(recordsTopic(REGION)),
      transport.committedOffsets(`facsimile-ingest-${REGION}`, recordsTopic(REGION)),
    ]);
    const at = new Map(committed.map((c) => [c.partition, c.offset]));
    lastPending = `high ${high.map((h) => h.offset)} committed ${committed.map((c) => c.offset)}`;
    return high.some((h) => h.offset > (at.get(h.partition) ?? 0n));
  };

  it("starts a second worker while lag builds, stops it when the lag is gone, tables equal the oracle", {
    timeout: 180_000,
  }, async () => {
    const workload = generateWorkload(registry, store, {
      seed: 15,
      workspaces: 6,
      issuesPerWorkspace: 30,
      pagesPerWorkspace: 3,
      largeShare: 0.2,
    });
    const plans: { plan: ScalePlan; running: number }[] = [];
    const exits: { id: string; code: number | null; output: string }[] = [];
    const supervisor = createSupervisor(
      {
        region: REGION,
        partitions: PARTITIONS,
        workerCommand: [
          process.execPath,
          CLI,
          "ingest",
          "--region",
          REGION,
          "--local",
          join(dir, "bus"),
          "--lake",
          join(dir, "lake"),
          "--batch-size",
          "20",
          "--threads",
          "1",
          "--log-level",
          "warn",
          // The last worker's stop drains the whole merge: give it time on a busy machine.
          "--stop-timeout",
          "120000",
        ],
        env: { ...process.env, TMPDIR: tmpdir() },
        onPlan: (plan, running) => plans.push({ plan, running }),
        onExit: (id, code, output) => exits.push({ id, code, output }),
      },
      {
        intervalMs: 1_000,
        stopTimeoutMs: 150_000,
        autoscale: {
          lagSetPoint: 20,
          catchUpMs: 1_000,
          scaleUpCooldownMs: 0,
          scaleDownCooldownMs: 3_000,
          maxWorkers: 2,
        },
      },
    );
    const describe = (): string =>
      `${lastPending}; plans ${JSON.stringify(plans.slice(-3).map((p) => [p.plan.action, p.plan.desired, p.plan.reason, p.running]))}`;
    const loop = supervisor.run();
    try {
      // One worker, its metrics served, before any record arrives.
      await waitFor("the first worker's metrics", () => supervisor.lastMetrics().length === 1, {
        timeoutMs: 60_000,
        intervalMs: 200,
        describe,
      });
      expect(supervisor.running()).toHaveLength(1);
      await publishWorkload(transport, store, REGION, workload);
      await waitFor("a second worker", () => supervisor.running().length === 2, {
        timeoutMs: 60_000,
        intervalMs: 200,
        describe,
      });
      const up = plans.find((p) => p.plan.action === "up" && p.plan.desired === 2);
      expect(up?.plan.estimate.lag).toBeGreaterThan(20);
      // Everything consumed into the sink, then back to one worker, the second stopped gracefully.
      await waitFor("everything consumed", async () => !(await pending()), {
        timeoutMs: 120_000,
        intervalMs: 500,
        describe,
      });
      await waitFor("back to one worker", () => supervisor.running().length === 1 && exits.length === 1, {
        timeoutMs: 60_000,
        intervalMs: 200,
        describe,
      });
      const down = plans.find((p) => p.plan.action === "down");
      expect(down?.plan.desired).toBe(1);
      expect(exits[0]?.code, exits[0]?.output).toBe(0);
      expect(Math.max(...plans.map((p) => p.running))).toBe(2);
    } finally {
      // The last worker's graceful stop drains the merge.
      await supervisor.stop();
      await loop;
    }
    expect(
      exits.map((e) => e.code),
      exits.map((e) => e.output.slice(-2_000)).join("\n---\n"),
    ).toEqual([0, 0]);
    const duck = await openDuckDb();
    try {
      const check = await verifyTables({
        store,
        region: REGION,
        connection: duck.connection,
        registry,
        winners: lwwOracle(workload.records),
        delivered: workload.deliveries,
        offloadedBytes: new Map(workload.offloads.map((o) => [offloadUri(store, o.key), o.bytes])),
      });
      expect(check.differences).toEqual([]);
      expect(check.rows.jira_issue).toBeGreaterThan(0);
    } finally {
      duck.close();
    }
  });
});
