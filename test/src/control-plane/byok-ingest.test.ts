// BYOK through the real pipeline, embedded (local bus, local lake with a keystore, the directory's file log): a
// live ingest worker writes the sink and every target table through a store that routes keys from the control
// plane's directory. Every object of the two workspaces with keys (their partition files in every table, their
// offloads) is an envelope under its own key; a workspace without a key and everything that mixes workspaces (the
// sink, every log) is under the platform key; the tables equal the last-writer-wins oracle; an analyst's query
// reads its workspace through decrypted cache copies.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { createRegionTopics } from "@facsimile/bus";
import {
  bootstrapDirectory,
  listLakeTables,
  listWorkspaceObjects,
  workspaceKeyRoute,
} from "@facsimile/control-plane";
import { createIngestWorker, type IngestWorker } from "@facsimile/ingest";
import {
  generateWorkload,
  lwwOracle,
  publishWorkload,
  untilCaughtUp,
  verifyTables,
} from "@facsimile/ingest/testing";
import { openDuckDb } from "@facsimile/lake";
import { envelopeKeyId, LocalObjectStore } from "@facsimile/object-store";
import { openQueryEngine } from "@facsimile/query";
import { loadDefaultRegistry } from "@facsimile/schemas";
import { compileModels } from "@facsimile/transforms";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ControlSetup, controlSetup } from "./control-support.js";

const registry = loadDefaultRegistry();
const KEYS: Record<string, string | undefined> = {
  "ws-0": "key-ws-0",
  "ws-1": "key-ws-1",
  "ws-2": undefined,
};
const PLATFORM = "key-platform";

describe("BYOK through ingest (embedded)", () => {
  let setup: ControlSetup;
  let store: LocalObjectStore;
  let worker: IngestWorker | undefined;
  let duck: Awaited<ReturnType<typeof openDuckDb>>;

  beforeAll(async () => {
    setup = await controlSetup("embedded");
    const plain = setup.store as LocalObjectStore;
    store = new LocalObjectStore(plain.root, {
      durable: false,
      kmsKeyRoute: workspaceKeyRoute(setup.view, { platformKeyId: PLATFORM }),
    });
    for (const k of [...Object.values(KEYS), PLATFORM])
      if (k !== undefined) await store.keystore.createKey(k);
    await createRegionTopics(setup.transport, setup.regions[0], { partitions: 2 });
    await bootstrapDirectory(
      setup.view,
      Object.entries(KEYS).map(([id, keyId]) => ({
        workspaceId: id,
        realm: setup.regions[0],
        regions: [setup.regions[0]],
        state: "ONLINE" as const,
        deletionGeneration: "0",
        keyId,
        erasedResources: [],
      })),
    );
    await setup.view.start();
    duck = await openDuckDb();
  });
  afterAll(async () => {
    await worker?.stop().catch(() => undefined);
    duck?.close();
    await setup?.close();
  });

  it("encrypts each workspace's objects under its own key and the rest under the platform key", {
    timeout: 180_000,
  }, async () => {
    const region = setup.regions[0];
    const workload = generateWorkload(registry, store, {
      seed: 5,
      workspaces: 3,
      issuesPerWorkspace: 4,
      largeShare: 0.5,
    });
    await publishWorkload(setup.transport, store, region, workload);
    const { models } = await compileModels(registry);
    worker = createIngestWorker({
      region,
      transport: setup.transport,
      store,
      registry,
      models,
      directory: setup.view,
      options: { maxBatchSize: 40, maxWaitMs: 20, mergePollMs: 100, idleAdvanceVersions: 1 },
    });
    await worker.start();
    await untilCaughtUp(worker);

    const seen = new Set<string>();
    for (const [ws, key] of Object.entries(KEYS)) {
      const objects = await listWorkspaceObjects(store, ws);
      const tables = new Set(objects.map((o) => /\/tables\/([^/]+)\//.exec(o.key)?.[1]).filter(Boolean));
      expect(tables.size, `${ws} has files in several tables`).toBeGreaterThanOrEqual(3);
      expect(
        objects.some((o) => o.key.startsWith(`offload/${ws}/`)),
        `${ws} has offloads`,
      ).toBe(true);
      for (const o of objects) {
        seen.add(o.key);
        expect(o.kmsKeyId, o.key).toBe(key ?? PLATFORM);
        const raw = await readFile(join(store.root, o.key));
        expect(envelopeKeyId(raw, { url: store.url, key: o.key }), o.key).toBe(key ?? PLATFORM);
      }
    }
    // Everything else mixes workspaces: the sink's files, every table's log and checkpoints.
    const rest: string[] = [];
    for (const t of await listLakeTables(store, "", [region]))
      for await (const o of store.list(`${t.path}/`)) if (!seen.has(o.key)) rest.push(o.key);
    expect(rest.some((k) => k.includes("/sink/records/record_day="))).toBe(true);
    expect(rest.some((k) => k.includes("/_delta_log/"))).toBe(true);
    for (const k of rest) expect((await store.head(k))?.kmsKeyId, k).toBe(PLATFORM);

    const verified = await verifyTables({
      store,
      region,
      connection: duck.connection,
      registry,
      winners: lwwOracle(workload.records),
      delivered: workload.deliveries,
    });
    expect(verified.differences).toEqual([]);

    // An analyst's session reads a workspace's encrypted partition through decrypted cache copies of its files only.
    const engine = await openQueryEngine(store.root, { session: { timeoutMs: 5_000, threads: 1 } });
    const cacheDir = join(store.root, "..", "query-cache");
    try {
      const session = await engine.openSession(region, "ws-0", {
        cacheDir,
        tempRoot: join(store.root, ".."),
      });
      try {
        const [[count]] = (await session.query("SELECT count(*) FROM jira_issue")).rows as [[number]];
        expect(Number(count)).toBeGreaterThan(0);
      } finally {
        await session.close();
      }
    } finally {
      await engine.close();
    }
    const cached = (await readdir(cacheDir, { recursive: true })).filter((f) => f.endsWith(".parquet"));
    expect(cached.length).toBeGreaterThan(0);
    expect(new Set(cached.map((f) => /workspace_id=([^/]+)\//.exec(f)?.[1]))).toEqual(new Set(["ws-0"]));
  });
});
