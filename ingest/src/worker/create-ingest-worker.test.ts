// The worker end to end on the embedded transport and a local lake (real files, real DuckDB): a shuffled workload
// with duplicates, tombstones, generation bumps and offloaded payloads lands in the target tables exactly as the
// last-writer-wins oracle says, and a second run over the same topic writes nothing twice.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLocalTransport, createRegionTopics, type Transport } from "@facsimile/bus";
import { openDuckDb, openTable, readRows, regionLayout } from "@facsimile/lake";
import { LocalObjectStore } from "@facsimile/object-store";
import { offloadUri } from "@facsimile/protocol";
import { loadDefaultRegistry } from "@facsimile/schemas";
import { compileModels } from "@facsimile/transforms";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readMergePosition, readSinkHead } from "../merge/read-merge-position.js";
import { mergeAppId } from "../sink/sink-table.js";
import { untilCaughtUp } from "../testing/until-caught-up.js";
import { verifyTables } from "../testing/verify-tables.js";
import { generateWorkload, lwwOracle, publishWorkload } from "../testing/workload.js";
import { createIngestWorker } from "./create-ingest-worker.js";

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
      expect(await readMergePosition(idle, mergeAppId(regionLayout.sink("eu")))).toBeGreaterThan(
        sinkHead - 3,
      );
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
});
