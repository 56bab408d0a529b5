// GDPR erasure end to end, embedded (local bus and lake) and on Kafka + MinIO, with a live ingest worker that reads
// the control plane's directory: after `erase` of one workspace, late records of it (replays of the original bytes, duplicates,
// newer versions, a higher generation) are all dropped; a scan of every object of the lake (every data file of
// every version, the sink, the logs and checkpoints, the offloads, the dead letters' payloads) finds none of its
// values; no table returns a
// row of it, at any version still loadable; the other workspaces' tables are exactly what they were.
import {
  type ConsumedMessage,
  createRegionTopics,
  dlqTopic,
  recordsTopic,
  type Transport,
} from "@facsimile/bus";
import {
  bootstrapDirectory,
  type DirectoryView,
  eraseWorkspace,
  listLakeTables,
} from "@facsimile/control-plane";
import { scanObjects } from "@facsimile/control-plane/testing";
import { waitFor } from "@facsimile/core/testing";
import { createIngestWorker, DLQ_HEADERS, type IngestWorker } from "@facsimile/ingest";
import {
  generateWorkload,
  lwwOracle,
  projectRecord,
  publishWorkload,
  untilCaughtUp,
  verifyTables,
} from "@facsimile/ingest/testing";
import { loadSnapshot, openDuckDb, openTable, readRows, regionLayout } from "@facsimile/lake";
import type { ObjectStore } from "@facsimile/object-store";
import { encodeRecord } from "@facsimile/protocol";
import { loadDefaultRegistry } from "@facsimile/schemas";
import { compileModels } from "@facsimile/transforms";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ControlSetup, controlSetup } from "./control-support.js";

const registry = loadDefaultRegistry();
const W = "ws-1";
/** W's values as the workload writes them: project names, issue keys, page bodies. */
const W_VALUES = [/Project \d+ of ws-1 \(/, /WS-1-\d/, /ws-1\/\d+\/\d+:/, /poison-of-ws-1/];

describe.each(["embedded", "kafka+minio"] as const)("erasure (%s)", (backend) => {
  let setup: ControlSetup;
  let transport: Transport;
  let store: ObjectStore;
  let view: DirectoryView;
  let region: string;
  let worker: IngestWorker;
  let duck: Awaited<ReturnType<typeof openDuckDb>>;

  beforeAll(async () => {
    setup = await controlSetup(backend);
    ({ transport, store, view } = setup);
    region = setup.regions[0];
    await createRegionTopics(transport, region, { partitions: 2 });
    await bootstrapDirectory(
      view,
      ["ws-0", "ws-1", "ws-2"].map((id) => ({
        workspaceId: id,
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
    duck?.close();
    await setup?.close();
  });

  /** Every target row of the other workspaces, per table, in a stable order. */
  async function otherRows(): Promise<Record<string, string[]>> {
    const out: Record<string, string[]> = {};
    for (const t of await listLakeTables(store, "", [region])) {
      if (t.name === "sink") continue;
      const rows = await readRows(openTable(store, t.path, duck.connection));
      out[t.name] = rows
        .filter((r) => r.workspace_id !== W)
        .map((r) => JSON.stringify(r))
        .sort();
    }
    return out;
  }

  it("erases W from every table, file, version and offload; late records of W never come back", {
    timeout: 240_000,
  }, async () => {
    const workload = generateWorkload(registry, store, {
      seed: 3,
      workspaces: 3,
      issuesPerWorkspace: 6,
      largeShare: 0.5,
      // Just above the 64 KiB offload threshold: offloaded, without moving megabytes through S3.
      largeBytes: 70 * 1024,
    });
    expect(workload.offloads.some((o) => o.key.startsWith(`offload/${W}/`))).toBe(true);
    await publishWorkload(transport, store, region, workload);
    // A dead letter of W and one of ws-0 (a resource ARI of another workspace): their bytes go to the lake.
    const poison = (ws: string) => ({
      key: ws,
      value: encodeRecord(projectRecord(registry, ws, `poison-of-${ws}`, "inline", "ws-someone-else")),
    });
    await transport.produce(recordsTopic(region), [poison(W), poison("ws-0")]);
    const { models } = await compileModels(registry);
    worker = createIngestWorker({
      region,
      transport,
      store,
      registry,
      models,
      directory: view,
      options: {
        maxBatchSize: 50,
        maxWaitMs: 20,
        mergePollMs: 100,
        idleAdvanceVersions: 1,
        deadLetterPayloads: "store",
      },
    });
    await worker.start();
    await untilCaughtUp(worker);
    expect(worker.metrics.deadLetters.get({ region, reason: "INVALID_ENVELOPE" })).toBe(2);
    const deadLetterObjects = async (ws: string): Promise<number> => {
      let n = 0;
      for await (const _ of store.list(`${regionLayout.deadLetters(region)}/${ws}/`)) n++;
      return n;
    };
    expect(await deadLetterObjects(W)).toBe(1);
    // The DLQ messages carry no payload, only its reference (and why).
    const letters: ConsumedMessage[] = [];
    const reader = await transport.consume({
      groupId: `dlq-reader-${backend}-${Date.now()}`,
      topics: [dlqTopic(region)],
      maxWaitMs: 100,
      onBatch: async (b) => {
        letters.push(...b.messages);
      },
    });
    await waitFor("the two dead letters", () => letters.length >= 2, { timeoutMs: 30_000 });
    await reader.stop();
    for (const l of letters) {
      expect(l.value.length).toBe(0);
      expect(l.headers[DLQ_HEADERS.payload]).toContain(`${regionLayout.deadLetters(region)}/${l.key}/`);
      expect(l.headers[DLQ_HEADERS.reason]).toBe("INVALID_ENVELOPE");
    }
    const before = await scanObjects(store, "", W_VALUES, duck.connection);
    expect(before.hits.length).toBeGreaterThan(0);
    const others = (r: { workspaceId: string }) => r.workspaceId !== W;
    const othersBefore = await otherRows();
    expect(Object.values(othersBefore).flat().length).toBeGreaterThan(50);

    const progress: string[] = [];
    const result = await eraseWorkspace(
      {
        view,
        store,
        duckdb: duck.connection,
        onProgress: (m) => progress.push(m),
      },
      { workspaceId: W },
      { settleMs: 500, mergeWaitMs: 30_000, actor: "test", reason: "ticket GDPR-1" },
    );
    expect(result.kind).toBe("receipt");
    if (result.kind !== "receipt") return;
    const receipt = result.receipt;
    expect(progress[0]).toMatch(/^registry: ws-1 erased from generation \d+/);
    expect(receipt.verification).toEqual({ liveRows: 0, historicalFiles: 0, offloadObjects: 0, clean: true });
    expect(receipt.rowsRemoved).toBeGreaterThan(0);
    // W's offloaded payloads and its one dead letter's bytes.
    expect(receipt.offloadObjectsDeleted).toBe(
      workload.offloads.filter((o) => o.key.startsWith(`offload/${W}/`)).length + 1,
    );
    expect(view.get(W)?.state).toBe("ERASED");
    const wGenerations = workload.records
      .filter((r) => r.workspaceId === W)
      .map((r) => r.record.generationWatermark);
    expect(BigInt(view.get(W)?.deletionGeneration ?? "0")).toBe(
      wGenerations.reduce((a, b) => (a > b ? a : b), 0n) + 1n,
    );

    // Late records: the original bytes again, duplicated, newer versions, and a higher generation.
    const late = workload.deliveries.filter((d) => d.workspaceId === W);
    const newer = late.map((d) => {
      const record = {
        ...d.record,
        version: d.record.version + 1000n,
        generationWatermark: d.record.generationWatermark + 50n,
      };
      return { key: W, value: encodeRecord(record) };
    });
    await transport.produce(recordsTopic(region), [
      ...late.map((d) => ({ key: W, value: d.bytes })),
      ...late.map((d) => ({ key: W, value: d.bytes })),
      ...newer,
    ]);
    await untilCaughtUp(worker);
    expect(worker.metrics.dropped.get({ region, reason: "erased" })).toBe(late.length * 2 + newer.length);
    // Replays of the offloaded payloads' objects are gone: nothing can be re-read from them.
    const after = await scanObjects(store, "", W_VALUES, duck.connection);
    expect(after.hits).toEqual([]);
    expect(after.objects).toBeGreaterThan(0);
    // W's dead letter is scrubbed (the DLQ message only referenced it); ws-0's stays.
    expect(await deadLetterObjects(W)).toBe(0);
    expect(await deadLetterObjects("ws-0")).toBe(1);
    expect((await scanObjects(store, "", [/poison-of-ws-0/], duck.connection)).hits.length).toBe(1);

    // No query returns a row of W: every table, at every version that still loads.
    for (const t of await listLakeTables(store, "", [region])) {
      const table = openTable(store, t.path, duck.connection);
      const latest = (await loadSnapshot(table)).version;
      for (let v = 0; v <= latest; v++) {
        const rows = await readRows(table, { version: v }).catch(() => undefined);
        if (rows === undefined) continue;
        expect(rows.filter((r) => r.workspace_id === W)).toEqual([]);
      }
    }
    // Everyone else: exactly the oracle, as before.
    const verified = await verifyTables({
      store,
      region,
      connection: duck.connection,
      registry,
      winners: lwwOracle(workload.records, others),
      delivered: workload.deliveries.filter(others),
    });
    expect(verified.differences).toEqual([]);
    expect(await otherRows()).toEqual(othersBefore);
    // A re-run finds nothing left to do.
    const again = await eraseWorkspace(
      { view, store, duckdb: duck.connection },
      { workspaceId: W },
      { settleMs: 0 },
    );
    expect(again.kind === "receipt" && again.receipt.rowsRemoved).toBe(0);
  });
});
