// The worker end to end on the embedded transport and a local lake (real files, real DuckDB): a shuffled workload
// with duplicates, tombstones, generation bumps and offloaded payloads lands in the target tables exactly as the
// last-writer-wins oracle says, and a second run over the same topic writes nothing twice.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLocalTransport, createRegionTopics, type Transport, TransportError } from "@facsimile/bus";
import { loadSnapshot, openDuckDb, openTable, readRows, regionLayout } from "@facsimile/lake";
import { LocalObjectStore } from "@facsimile/object-store";
import { offloadUri } from "@facsimile/protocol";
import { loadDefaultRegistry } from "@facsimile/schemas";
import { compileModels } from "@facsimile/transforms";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { partitionPositions } from "../merge/merge-txns.js";
import { readSinkHead } from "../merge/read-merge-position.js";
import { mergeAppId } from "../sink/sink-table.js";
import { readMergeCommits } from "../testing/merge-commits.js";
import { untilCaughtUp } from "../testing/until-caught-up.js";
import { verifyTables } from "../testing/verify-tables.js";
import { generateWorkload, lwwOracle, publishWorkload } from "../testing/workload.js";
import { createIngestWorker, type IngestWorker } from "./create-ingest-worker.js";

const registry = loadDefaultRegistry();

describe("ingest worker on the local transport and a local lake", () => {
  let dir: string;
  let transport: Transport;
  let store: LocalObjectStore;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "facsimile-ingest-"));
    transport = createLocalTransport({ directory: join(dir, "bus"), fsync: false });
    store = new LocalObjectStore(join(dir, "lake"), { durable: false });
    await createRegionTopics(transport, "eu", { partitions: 3 });
  });
  afterAll(async () => {
    await transport.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("merges a shuffled, duplicated workload into tables equal to the LWW oracle, and replays write nothing", async () => {
    const workload = generateWorkload(registry, store, { seed: 7, workspaces: 3, issuesPerWorkspace: 8 });
    await publishWorkload(transport, store, "eu", workload);
    const { models } = await compileModels(registry);
    const make = (groupId: string) =>
      createIngestWorker({
        region: "eu",
        transport,
        store,
        registry,
        models,
        options: {
          groupId,
          maxBatchSize: 40,
          maxWaitMs: 20,
          mergePollMs: 100,
          idleAdvanceVersions: 3,
          table: { scratchDir: join(dir, "scratch"), cacheDir: join(dir, "cache") },
          duckdb: { config: { threads: "1" } },
        },
      });
    const worker = make("ingest-a");
    await worker.start();
    await untilCaughtUp(worker);
    await worker.stop();
    expect(worker.metrics.recordsIn.get({ region: "eu" })).toBe(workload.deliveries.length);
    expect(workload.offloads.length).toBeGreaterThan(0);

    const duck = await openDuckDb();
    const offloaded = new Map(workload.offloads.map((o) => [offloadUri(store, o.key), o.bytes]));
    const verify = () =>
      verifyTables({
        store,
        region: "eu",
        connection: duck.connection,
        registry,
        winners: lwwOracle(workload.records),
        delivered: workload.deliveries,
        offloadedBytes: offloaded,
      });
    try {
      const first = await verify();
      expect(first.differences).toEqual([]);
      expect(first.rows.jira_issue).toBe(24);
      const sinkHead = await readSinkHead(openTable(store, regionLayout.sink("eu"), duck.connection));
      // No AvocadoQuestion was published: its table still records how far it is merged (idle advance).
      const idle = openTable(store, regionLayout.table("eu", "avocado_question"), duck.connection);
      // Each Kafka partition's merge position is a txn of its own (merge ownership follows the partitions).
      const positions = partitionPositions(
        await loadSnapshot(idle),
        mergeAppId(regionLayout.sink("eu")),
        [0, 1, 2],
      );
      for (const [partition, at] of positions)
        expect(at, `partition ${partition}`).toBeGreaterThan(sinkHead - 3);
      expect(await readRows(idle)).toEqual([]);

      // A new group reads the topic from the start: every record is already in the sink.
      const replay = make("ingest-b");
      await replay.start();
      await untilCaughtUp(replay);
      await replay.stop();
      expect(replay.metrics.dropped.get({ region: "eu", reason: "already_in_sink" })).toBe(
        workload.deliveries.length,
      );
      expect(await readSinkHead(openTable(store, regionLayout.sink("eu"), duck.connection))).toBe(sinkHead);
      const second = await verify();
      expect(second.differences).toEqual([]);
      expect(second.rows).toEqual(first.rows);
    } finally {
      duck.close();
    }
  });

  it("retries retriable transport failures of its one-off calls (consume, caughtUp's offsets), not others", async () => {
    const workload = generateWorkload(registry, store, {
      seed: 3,
      workspaces: 1,
      issuesPerWorkspace: 2,
      projectsPerWorkspace: 1,
      pagesPerWorkspace: 1,
      largeShare: 0,
    });
    await createRegionTopics(transport, "us", { partitions: 2 });
    await publishWorkload(transport, store, "us", workload);
    const { models } = await compileModels(registry);
    const failures = new Map<string, number>();
    /** The first two calls of each listed operation fail like Kafka right after topic creation. */
    const flaky = (inner: Transport, fatal: string | undefined): Transport =>
      new Proxy(inner, {
        get(target, name, receiver) {
          const value = Reflect.get(target, name, receiver);
          if (typeof value !== "function") return value;
          const op = String(name);
          if (!["consume", "latestOffsets", "committedOffsets"].includes(op)) return value.bind(target);
          return async (...args: unknown[]) => {
            const n = (failures.get(op) ?? 0) + 1;
            failures.set(op, n);
            if (op === fatal) throw new TransportError("TOPIC_AUTHORIZATION_FAILED", `${op} refused`);
            if (n <= 2)
              throw new TransportError("NOT_LEADER_FOR_PARTITION", `${op}: not the leader`, {
                retriable: true,
              });
            return value.apply(target, args);
          };
        },
      });
    const make = (t: Transport, groupId: string) =>
      createIngestWorker({
        region: "us",
        transport: t,
        store,
        registry,
        models,
        options: {
          groupId,
          maxWaitMs: 20,
          mergePollMs: 100,
          retryInitialMs: 5,
          retryMaxMs: 20,
          lagIntervalMs: 60_000,
          table: { scratchDir: join(dir, "scratch"), cacheDir: join(dir, "cache") },
          duckdb: { config: { threads: "1" } },
        },
      });
    const worker = make(flaky(transport, undefined), "flaky");
    await worker.start();
    try {
      await untilCaughtUp(worker);
    } finally {
      await worker.stop();
    }
    expect(worker.metrics.recordsIn.get({ region: "us" })).toBe(workload.deliveries.length);
    for (const op of ["consume", "latestOffsets", "committedOffsets"])
      expect(failures.get(op), op).toBeGreaterThan(2);

    failures.clear();
    const refused = make(flaky(transport, "latestOffsets"), "refused");
    await refused.start();
    try {
      // The lag watcher's first reading (it only logs a failure) is made during start().
      const before = failures.get("latestOffsets") ?? 0;
      await expect(refused.caughtUp()).rejects.toThrow("latestOffsets refused");
      // Not retriable: one call, no retry.
      expect(failures.get("latestOffsets")).toBe(before + 1);
    } finally {
      await refused.stop();
    }
  });

  it("splits the merge between two workers of one group by partition and hands it over when one stops", async () => {
    await createRegionTopics(transport, "ap", { partitions: 4 });
    const first = generateWorkload(registry, store, {
      seed: 11,
      workspaces: 8,
      issuesPerWorkspace: 4,
      largeShare: 0,
    });
    const second = generateWorkload(registry, store, {
      seed: 12,
      workspaces: 8,
      issuesPerWorkspace: 4,
      largeShare: 0,
    });
    const { models } = await compileModels(registry);
    const make = () =>
      createIngestWorker({
        region: "ap",
        transport,
        store,
        registry,
        models,
        options: {
          maxBatchSize: 30,
          maxWaitMs: 20,
          mergePollMs: 100,
          idleAdvanceVersions: 1_000,
          lagIntervalMs: 60_000,
          table: { scratchDir: join(dir, "scratch"), cacheDir: join(dir, "cache") },
          duckdb: { config: { threads: "1" } },
        },
      });
    const a = make();
    const b = make();
    await a.start();
    await b.start();
    try {
      await publishWorkload(transport, store, "ap", first);
      await untilCaughtUp(a);
      await untilCaughtUp(b);
      // Both merged, each its own partitions' records.
      const merged = (w: IngestWorker) => w.metrics.recordsOut.get({ region: "ap", stage: "merge" }) ?? 0;
      expect(merged(a)).toBeGreaterThan(0);
      expect(merged(b)).toBeGreaterThan(0);
      // b leaves: a owns every partition and merges what arrives next, including b's workspaces.
      await b.stop();
      await publishWorkload(transport, store, "ap", second);
      await untilCaughtUp(a);
    } finally {
      await a.stop();
      await b.stop();
    }
    const duck = await openDuckDb();
    try {
      const records = [...first.records, ...second.records];
      const check = await verifyTables({
        store,
        region: "ap",
        connection: duck.connection,
        registry,
        winners: lwwOracle(records),
        delivered: [...first.deliveries, ...second.deliveries],
      });
      expect(check.differences).toEqual([]);
      const commits = await readMergeCommits(
        store,
        "ap",
        models.map((m) => m.table),
        mergeAppId(regionLayout.sink("ap")),
      );
      expect(commits.doubled).toEqual([]);
      expect(commits.byTable.jira_issue).toBeGreaterThan(1);
    } finally {
      duck.close();
    }
  });
});
