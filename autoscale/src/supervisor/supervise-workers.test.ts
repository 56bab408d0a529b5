// The supervisor alone, with an in-memory fake process launcher and fake metrics: what it starts, what it stops
// (the newest first, gracefully, with the stop timeout), what it forgets (a worker that exited on its own), the
// partition cap, stop(), and the state file `facsimile status` reads. No process, no HTTP, no sleeping.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { WorkerMetrics } from "../metrics/worker-metrics.js";
import { createSupervisor, type SupervisorState } from "./supervise-workers.js";
import type { WorkerProcess } from "./worker-process.js";

interface FakeProcess extends WorkerProcess {
  readonly stops: number[];
  /** The process exits on its own with this code. */
  crash(code: number): void;
}

function fakeLauncher() {
  const launched: FakeProcess[] = [];
  /** Ids in the order stop() was called. */
  const stopOrder: string[] = [];
  let pid = 100;
  const launch = (id: string, command: readonly string[]): WorkerProcess => {
    let done = false;
    let settle: (code: number | null) => void = () => undefined;
    const exit = new Promise<number | null>((r) => {
      settle = r;
    });
    const stops: number[] = [];
    const p: FakeProcess = {
      id,
      pid: ++pid,
      startedAt: 0,
      metricsUrl: () => `fake://${id}/metrics?${command.join(" ")}`,
      exited: () => done,
      output: () => `output of ${id}`,
      exit,
      stops,
      crash(code) {
        done = true;
        settle(code);
      },
      async stop(timeoutMs) {
        stops.push(timeoutMs);
        stopOrder.push(id);
        done = true;
        settle(0);
        return 0;
      },
    };
    launched.push(p);
    return p;
  };
  return { launched, launch, stopOrder };
}

/** Metrics per worker id, set by the test before each tick. */
function fakeMetrics() {
  const byId = new Map<string, Partial<WorkerMetrics>>();
  let all: Partial<WorkerMetrics> = {};
  const scrape = async (id: string): Promise<WorkerMetrics> => ({
    id,
    lag: [],
    inPerSecond: 0,
    outPerSecond: 0,
    busyRatio: 0,
    deadLetters: 0,
    recordsIn: 0,
    recordsMerged: 0,
    freshnessBuckets: [],
    ...all,
    ...byId.get(id),
  });
  return {
    scrape,
    set: (m: Partial<WorkerMetrics>) => {
      all = m;
    },
    setFor: (id: string, m: Partial<WorkerMetrics>) => byId.set(id, m),
  };
}

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe("createSupervisor", () => {
  it("starts the minimum, scales up under lag, down (newest first, gracefully) once idle, and writes its state", async () => {
    const dir = await mkdtemp(join(tmpdir(), "facsimile-supervisor-"));
    dirs.push(dir);
    const { launched, launch, stopOrder } = fakeLauncher();
    const metrics = fakeMetrics();
    let now = 1_000_000;
    const exits: string[] = [];
    const supervisor = createSupervisor(
      {
        region: "eu",
        workerCommand: ["ingest", "--region", "eu"],
        partitions: 4,
        stateFile: join(dir, "eu.json"),
        clock: () => now,
        launch,
        scrape: metrics.scrape,
        onExit: (id, code) => exits.push(`${id}:${code}`),
      },
      { stopTimeoutMs: 1234, autoscale: { lagSetPoint: 1_000, catchUpMs: 10_000 } },
    );

    // No worker yet: the minimum (1) is started.
    expect((await supervisor.tick()).desired).toBe(1);
    expect(launched.map((p) => p.id)).toEqual(["eu-1"]);
    expect(launched[0]?.metricsUrl()).toContain("ingest --region eu");

    // The worker is saturated at 1000/s and the lag is 50k: more workers, but never above the 4 partitions.
    metrics.set({ lag: [{ partition: 0, lag: 50_000 }], inPerSecond: 1_000, busyRatio: 1 });
    now += 20_000;
    const up = await supervisor.tick();
    expect(up.action).toBe("up");
    expect(up.desired).toBe(4);
    expect(supervisor.running().map((w) => w.id)).toEqual(["eu-1", "eu-2", "eu-3", "eu-4"]);
    const state = JSON.parse(await readFile(join(dir, "eu.json"), "utf8")) as SupervisorState;
    expect(state.workers.map((w) => w.id)).toEqual(["eu-1", "eu-2", "eu-3", "eu-4"]);
    expect(state.desired).toBe(4);

    // Lag gone, workers mostly idle: after the scale-down cool-down the newest go first, with the stop timeout.
    metrics.set({ lag: [], inPerSecond: 100, busyRatio: 0.05 });
    now += 1_000;
    expect((await supervisor.tick()).action).toBe("hold"); // within the cool-down
    now += 200_000;
    const down = await supervisor.tick();
    expect(down.action).toBe("down");
    expect(supervisor.running().map((w) => w.id)).toEqual(
      ["eu-1", "eu-2", "eu-3", "eu-4"].slice(0, down.desired),
    );
    expect(stopOrder).toEqual(["eu-4", "eu-3", "eu-2", "eu-1"].slice(0, 4 - down.desired));
    expect(launched.filter((p) => p.stops.length > 0).every((p) => p.stops[0] === 1234)).toBe(true);

    // A worker that dies on its own is forgotten (reported), and the minimum brings a replacement.
    const survivors = supervisor.running();
    for (const w of survivors) (w as FakeProcess).crash(3);
    await supervisor.tick();
    expect(exits).toEqual(expect.arrayContaining(survivors.map((w) => `${w.id}:3`)));
    expect(supervisor.running().length).toBeGreaterThanOrEqual(1);
    expect(supervisor.running().every((w) => !survivors.includes(w))).toBe(true);

    // stop(): every worker is stopped gracefully; the state file lists none.
    const last = supervisor.running();
    await supervisor.stop();
    expect(supervisor.running()).toEqual([]);
    expect(last.every((w) => (w as FakeProcess).stops.length === 1)).toBe(true);
    expect((JSON.parse(await readFile(join(dir, "eu.json"), "utf8")) as SupervisorState).workers).toEqual([]);
  });

  it("does not scale down while a worker is saturated; the same idle pair without it does", async () => {
    for (const saturated of [true, false]) {
      const { launched, launch } = fakeLauncher();
      const metrics = fakeMetrics();
      let now = 0;
      const supervisor = createSupervisor(
        {
          region: "us",
          workerCommand: ["ingest"],
          partitions: 8,
          clock: () => now,
          launch,
          scrape: metrics.scrape,
        },
        { autoscale: { minWorkers: 1, scaleDownCooldownMs: 0, scaleUpCooldownMs: 0 } },
      );
      // Lag brings a second worker.
      metrics.set({ lag: [{ partition: 0, lag: 100_000 }], inPerSecond: 1_000, busyRatio: 1 });
      await supervisor.tick();
      now += 20_000;
      await supervisor.tick();
      expect(launched.length).toBeGreaterThanOrEqual(2);
      const running = supervisor.running().length;
      // No lag now, little traffic; us-1 saturated (or not), the rest idle.
      metrics.set({ lag: [], inPerSecond: 10, busyRatio: 0.01 });
      metrics.setFor("us-1", { inPerSecond: 100, busyRatio: saturated ? 0.95 : 0.01 });
      now += 300_000;
      const plan = await supervisor.tick();
      if (saturated) {
        expect(plan.action).not.toBe("down");
        expect(supervisor.running().length).toBe(running);
      } else {
        expect(plan.action).toBe("down");
        expect(supervisor.running().length).toBeLessThan(running);
      }
      await supervisor.stop();
    }
  });
});
