// Crash safety of the ingest worker: `facsimile ingest` runs as a child process and is killed with SIGKILL at 20+
// random points while a workload streams in (mid-batch, mid-commit, mid-merge, during start-up), then restarted
// each time; three runs are stopped with SIGTERM instead and must exit 0. At the end the target tables equal the last-writer-wins oracle, the raw sink holds every delivered
// Kafka record exactly once, and the Append change history never holds one Kafka record twice. Runs on the
// embedded bus and a local lake (the properties under test are the sink's and the merge's txns, not the broker).
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createLocalTransport, createRegionTopics, recordsTopic, type Transport } from "@facsimile/bus";
import { mergeAppId, readMergePosition, readSinkHead } from "@facsimile/ingest";
import {
  generateWorkload,
  lwwOracle,
  publishWorkload,
  seededRandom,
  verifyTables,
} from "@facsimile/ingest/testing";
import { openDuckDb, openTable, readRows, regionLayout } from "@facsimile/lake";
import { LocalObjectStore } from "@facsimile/object-store";
import { offloadUri } from "@facsimile/protocol";
import { loadDefaultRegistry } from "@facsimile/schemas";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const CLI = fileURLToPath(new URL("../../../cli/dist/main.js", import.meta.url));
const REGION = "crash";
const KILLS = 22;
const registry = loadDefaultRegistry();

interface Run {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  output: string;
}

describe("ingest worker killed with SIGKILL and restarted", () => {
  let dir: string;
  let transport: Transport;
  let store: LocalObjectStore;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "facsimile-ingest-crash-"));
    transport = createLocalTransport({ directory: join(dir, "bus"), fsync: false });
    store = new LocalObjectStore(join(dir, "lake"));
    await createRegionTopics(transport, REGION, { partitions: 4 });
  });
  afterAll(async () => {
    await transport.close();
    if (process.env.FACSIMILE_KEEP_CRASH_DIR === undefined) await rm(dir, { recursive: true, force: true });
    else console.log(`kept ${dir}`);
  });

  const sinkHead = async (): Promise<number> => {
    const duck = await openDuckDb();
    try {
      return await readSinkHead(openTable(store, regionLayout.sink(REGION), duck.connection));
    } finally {
      duck.close();
    }
  };

  /** True while the worker has consumed-but-unsinked or sinked-but-unmerged records. */
  const pending = async (): Promise<boolean> => {
    const [high, committed] = await Promise.all([
      transport.latestOffsets(recordsTopic(REGION)),
      transport.committedOffsets(`facsimile-ingest-${REGION}`, recordsTopic(REGION)),
    ]);
    const at = new Map(committed.map((c) => [c.partition, c.offset]));
    if (high.some((h) => h.offset > (at.get(h.partition) ?? 0n))) return true;
    const duck = await openDuckDb();
    try {
      const sink = openTable(store, regionLayout.sink(REGION), duck.connection);
      const head = await readSinkHead(sink);
      const target = openTable(store, regionLayout.table(REGION, "jira_issue"), duck.connection);
      return (await readMergePosition(target, mergeAppId(regionLayout.sink(REGION)))) < head;
    } finally {
      duck.close();
    }
  };

  const start = (extra: readonly string[] = []): Run => {
    const child = spawn(
      process.execPath,
      [CLI, "ingest", "--region", REGION, "--local", join(dir, "bus"), "--lake", join(dir, "lake")].concat([
        "--batch-size",
        "25",
        "--threads",
        "1",
        "--log-level",
        "warn",
        ...extra,
      ]),
      { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, TMPDIR: join(dir, "tmp") } },
    );
    const run: Run = {
      child,
      output: "",
      exited: new Promise((resolve) => child.once("exit", (code) => resolve(code))),
    };
    const keep = (b: Buffer): void => {
      run.output = (run.output + b.toString()).slice(-20_000);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    return run;
  };

  /** Waits (up to 60 s) for the worker's "ingest <region>: N models, ..." line. */
  const startedLine = async (run: Run): Promise<void> => {
    const deadline = Date.now() + 60_000;
    while (!/ingest \S+: \d+ models/.test(run.output)) {
      if (run.child.exitCode !== null || Date.now() > deadline)
        throw new Error(`worker did not report its start: ${run.output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  it(`ends equal to the oracle after ${KILLS} SIGKILLs at random points`, { timeout: 240_000 }, async () => {
    const seed = Number(process.env.FACSIMILE_CRASH_SEED ?? Date.now() % 100_000);
    const rnd = seededRandom(seed);
    const workload = generateWorkload(registry, store, {
      seed,
      workspaces: 6,
      issuesPerWorkspace: 25,
      pagesPerWorkspace: 3,
      largeShare: 0.3,
    });
    await publishWorkload(transport, store, REGION, { deliveries: [], offloads: workload.offloads });
    // The stream: slices keep arriving in the background while the worker is killed and restarted.
    const slices = 60;
    const per = Math.ceil(workload.deliveries.length / slices);
    let streaming = true;
    const stream = (async () => {
      for (let i = 0; i < slices; i++) {
        await publishWorkload(transport, store, REGION, {
          deliveries: workload.deliveries.slice(i * per, (i + 1) * per),
          offloads: [],
        });
        await new Promise((r) => setTimeout(r, 1_000));
      }
      streaming = false;
    })();
    let kills = 0;
    let terms = 0;
    let runs = 0;
    let busyKills = 0;
    let progressed = 0;
    let lastHead = -1;
    while (kills < KILLS) {
      const run = start();
      // Anywhere from start-up (DuckDB, models) to deep inside batches, commits and merge rounds.
      await new Promise((r) => setTimeout(r, 700 + rnd() * 3_300));
      if (run.child.exitCode !== null)
        throw new Error(`worker exited early (${run.child.exitCode}): ${run.output}`);
      runs++;
      if (runs % 7 === 0 && terms < 3) {
        // Now and then a graceful stop instead: SIGTERM finishes the batch, drains the merge and exits 0.
        // Sent once the worker says it has started: before that, Node itself may still be booting, and a
        // signal there kills the process by default whatever the command does.
        await startedLine(run);
        run.child.kill("SIGTERM");
        const code = await Promise.race([
          run.exited,
          new Promise((r) => setTimeout(() => r("timeout"), 30_000)),
        ]);
        if (code !== 0) {
          run.child.kill("SIGKILL");
          throw new Error(`SIGTERM did not stop the worker cleanly (${String(code)}): ${run.output}`);
        }
        terms++;
        continue;
      }
      if (await pending()) busyKills++;
      run.child.kill("SIGKILL");
      await run.exited;
      kills++;
      const head = await sinkHead();
      if (head > lastHead) progressed++;
      lastHead = head;
    }
    await stream;
    expect(streaming).toBe(false);
    const last = start(["--until-idle"]);
    const code = await Promise.race([
      last.exited,
      new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 120_000)),
    ]);
    if (code !== 0) {
      last.child.kill("SIGKILL");
      throw new Error(`final run did not finish cleanly (${code}), seed ${seed}: ${last.output}`);
    }
    expect(kills).toBeGreaterThanOrEqual(20);
    expect(terms).toBe(3);
    // Kills hit workers with work in hand (records not yet in the sink, or not yet merged) ...
    expect(busyKills, `seed ${seed}`).toBeGreaterThanOrEqual(KILLS / 4);
    // ... that had got work done before they died (the sink moved on).
    expect(progressed, `seed ${seed}`).toBeGreaterThanOrEqual(KILLS / 4);
    console.log(
      `crash test: seed ${seed}, ${kills} kills, ${terms} graceful stops, ${busyKills} with work pending, ${progressed} after progress`,
    );

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
      expect(check.differences, `seed ${seed}`).toEqual([]);
      const sink = await readRows(openTable(store, regionLayout.sink(REGION), duck.connection));
      const offsets = new Set(sink.map((r) => `${r.kafka_partition}/${r.kafka_offset}`));
      expect(offsets.size, `seed ${seed}: a Kafka record in the sink twice`).toBe(sink.length);
      expect(sink.length, `seed ${seed}`).toBe(workload.deliveries.length);
    } finally {
      duck.close();
    }
  });
});
