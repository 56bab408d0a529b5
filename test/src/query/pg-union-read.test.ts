// The union read through the PostgreSQL endpoint: records the raw sink holds but the merge stage has not merged
// yet are visible to a query (new issues appear, a tombstone hides its issue), with last-writer-wins applied at
// read time; with the union read off the same query shows the merged tables only; once the merge stage catches
// up, both answer the same, so the read-time LWW agrees with the writers'. Embedded bus and local lake: the
// ingest worker is the real one, run first with both stages, then with the append stage only.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLocalTransport, createRegionTopics, recordsTopic, type Transport } from "@facsimile/bus";
import { waitFor } from "@facsimile/core/testing";
import { createIngestWorker, type IngestStages, mergeAppId, readSinkHead } from "@facsimile/ingest";
import { generateWorkload, publishWorkload, type WorkloadOptions } from "@facsimile/ingest/testing";
import { loadSnapshot, openDuckDb, openTable, regionLayout, txnVersion } from "@facsimile/lake";
import { LocalObjectStore } from "@facsimile/object-store";
import { encodeRecord } from "@facsimile/protocol";
import {
  openQueryEngine,
  type PgServer,
  parsePgCredentials,
  type QueryEngine,
  startPgServer,
  unionReadOverlay,
} from "@facsimile/query";
import { loadDefaultRegistry } from "@facsimile/schemas";
import { type CompiledModel, compileModels, DEFAULT_MODELS_DIR } from "@facsimile/transforms";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const REGION = "union-it";
const WS = "ws-0";
const SECRET = "union-read-secret-0123456789";
const registry = loadDefaultRegistry();
const SMALL: Partial<WorkloadOptions> = {
  seed: 7,
  workspaces: 2,
  projectsPerWorkspace: 1,
  pagesPerWorkspace: 1,
  versionsPerResource: 1,
  tombstoneShare: 0,
  generationShare: 0,
  duplicateShare: 0,
  largeShare: 0,
  shuffle: false,
};

let dir: string;
let store: LocalObjectStore;
let transport: Transport;
let models: readonly CompiledModel[];
let engine: QueryEngine;
let unionOn: PgServer;
let unionOff: PgServer;
/** A second new issue, published during the test. */
let later: Uint8Array;

async function ingest(stages: IngestStages): Promise<void> {
  const worker = createIngestWorker({
    region: REGION,
    transport,
    store,
    registry,
    models,
    options: { stages, maxWaitMs: 50, mergePollMs: 50, duckdb: { config: { threads: "1" } } },
  });
  await worker.start();
  try {
    await waitFor(`ingest (${stages}) to catch up`, () => worker.caughtUp(), {
      timeoutMs: 60_000,
      describe: () => JSON.stringify(worker.progress()),
    });
  } finally {
    await worker.stop();
  }
}

async function issues(server: PgServer): Promise<string[]> {
  const c = new pg.Client({ host: "127.0.0.1", port: server.port, user: WS, password: SECRET });
  await c.connect();
  try {
    const r = await c.query({ text: "SELECT key FROM jira_issue ORDER BY key", rowMode: "array" });
    return (r.rows as string[][]).map((row) => row[0] as string);
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "facsimile-union-read-"));
  store = new LocalObjectStore(join(dir, "lake"), { durable: false });
  transport = createLocalTransport({ directory: join(dir, "bus") });
  await createRegionTopics(transport, REGION, { partitions: 1 });
  models = (await compileModels(registry, { modelsDir: DEFAULT_MODELS_DIR })).models;
  const base = generateWorkload(registry, store, { ...SMALL, issuesPerWorkspace: 4 });
  await publishWorkload(transport, store, REGION, base);
  await ingest("all");

  // Two new issues of ws-0 and a tombstone of its issue 0, then only the sink stage: nothing of them is merged.
  const more = generateWorkload(registry, store, { ...SMALL, issuesPerWorkspace: 6 });
  const fresh = more.records.filter(
    (r) => r.workspaceId === WS && /:issue\/[45]$/.test(r.record.resourceAri),
  );
  const first = base.records.find((r) => r.workspaceId === WS && r.record.resourceAri.endsWith(":issue/0"));
  if (first === undefined || fresh.length !== 2)
    throw new Error("the workload has no issue 0 or no issues 4 and 5");
  const tombstone = encodeRecord({
    ...first.record,
    version: first.record.version + 100n,
    isTombstone: true,
    payload: { case: undefined },
  });
  await transport.produce(recordsTopic(REGION), [
    { key: WS, value: (fresh[0] as (typeof fresh)[number]).bytes },
    { key: WS, value: tombstone },
  ]);
  await ingest("append");
  later = (fresh[1] as (typeof fresh)[number]).bytes;

  engine = await openQueryEngine(store, {
    session: { threads: 1, tempRoot: dir, cacheDir: join(dir, "cache") },
  });
  const credentials = parsePgCredentials({ workspaces: { [WS]: SECRET } });
  const overlay = unionReadOverlay({ registry, models });
  const fast = { refreshIntervalMs: 50 };
  unionOn = await startPgServer(engine, {
    region: REGION,
    credentials,
    port: 0,
    sessionCache: fast,
    openSession: (ws) => engine.openSession(REGION, ws, { overlay }),
  });
  unionOff = await startPgServer(engine, { region: REGION, credentials, port: 0, sessionCache: fast });
}, 180_000);

afterAll(async () => {
  await unionOn?.close();
  await unionOff?.close();
  await engine?.close();
  await transport?.close();
  await store?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe("the union read", () => {
  it("shows records the sink holds before the merge stage merged them, LWW applied at read time", async () => {
    // The premise: the sink is ahead of the table's merge position.
    const duck = await openDuckDb({ config: { threads: "1" } });
    try {
      const opts = { cacheDir: join(dir, "c"), scratchDir: join(dir, "s") };
      const sinkPath = regionLayout.sink(REGION);
      const target = openTable(store, regionLayout.table(REGION, "jira_issue"), duck.connection, opts);
      const merged = txnVersion(await loadSnapshot(target), mergeAppId(sinkPath)) ?? -1;
      expect(await readSinkHead(openTable(store, sinkPath, duck.connection, opts))).toBeGreaterThan(merged);
    } finally {
      duck.close();
    }
    const off = await issues(unionOff);
    const on = await issues(unionOn);
    expect(off).toHaveLength(4);
    expect(on).toHaveLength(4);
    // Issue 0 is tombstoned (hidden), issue 4 is new.
    expect(off.filter((k) => !on.includes(k))).toHaveLength(1);
    expect(on.filter((k) => !off.includes(k))).toHaveLength(1);

    // One more sink commit, still unmerged: the cached session is refreshed and the record shows up.
    await transport.produce(recordsTopic(REGION), [{ key: WS, value: later }]);
    await ingest("append");
    let now = on;
    await waitFor("the union read to show the new record", async () => {
      now = await issues(unionOn);
      return now.length !== on.length;
    });
    expect(now).toHaveLength(5);
    expect(now.filter((k) => !on.includes(k))).toHaveLength(1);
    expect(await issues(unionOff)).toEqual(off);
  });

  it("answers like the merged tables once the merge stage caught up", async () => {
    const before = await issues(unionOn);
    await ingest("all");
    let off: string[] = [];
    await waitFor("the merged tables to catch up", async () => {
      off = await issues(unionOff);
      return off.length === before.length;
    });
    expect(off).toEqual(before);
    expect(await issues(unionOn)).toEqual(before);
  });
});
