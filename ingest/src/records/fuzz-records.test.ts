// Fuzzing what ingest reads: random bytes and mutated envelopes (good records and poison ones with bytes
// flipped, cut, inserted or repeated) through the record decoder, the classification step of a batch, and once
// through the whole worker. Nothing may crash (every decoder failure is one of the dead-letter kinds, the
// classification never throws), hang, or land a row whose resource belongs to another workspace than the row's.
// Bounded in CI; FACSIMILE_FUZZ_RUNS=5000 for a longer run.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type ConsumedMessage,
  createLocalTransport,
  createRegionTopics,
  recordsTopic,
  type Transport,
} from "@facsimile/bus";
import { openDuckDb, openTable, readRows, regionLayout } from "@facsimile/lake";
import { LocalObjectStore } from "@facsimile/object-store";
import { createRecordDecoder, tryParseAri, WORKSPACE_ID_PATTERN } from "@facsimile/protocol";
import { loadDefaultRegistry } from "@facsimile/schemas";
import { compileModels } from "@facsimile/transforms";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { poisonRecords } from "../testing/poison-records.js";
import { untilCaughtUp } from "../testing/until-caught-up.js";
import { deliveryMessage, generateWorkload, publishWorkload, type Workload } from "../testing/workload.js";
import { createIngestWorker } from "../worker/create-ingest-worker.js";
import { classifyMessages } from "./classify-messages.js";

const RUNS = Number(process.env.FACSIMILE_FUZZ_RUNS ?? 150);
const SEED =
  process.env.FACSIMILE_FUZZ_SEED === undefined ? undefined : Number(process.env.FACSIMILE_FUZZ_SEED);
const params = { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) };

/** Decoder failures that mean "dead-letter this record"; anything else would stop the region. */
const DEAD_LETTER_CODES = new Set([
  "RECORD_DECODE",
  "INVALID_ARI",
  "UNKNOWN_ENTITY",
  "OFFLOAD_UNRESOLVABLE",
  "OFFLOAD_INTEGRITY",
]);

const registry = loadDefaultRegistry();
let dir: string;
let store: LocalObjectStore;
let transport: Transport;
let workload: Workload;
let seeds: Uint8Array[];

type Mutation =
  | { readonly op: "flip"; readonly at: number; readonly byte: number }
  | { readonly op: "cut"; readonly at: number }
  | { readonly op: "insert"; readonly at: number; readonly bytes: Uint8Array }
  | { readonly op: "repeat"; readonly at: number; readonly length: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant("flip" as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant("cut" as const), at: fc.nat() }),
  fc.record({ op: fc.constant("insert" as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 12 }) }),
  fc.record({ op: fc.constant("repeat" as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
);

function mutate(bytes: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let out = Array.from(bytes);
  for (const m of mutations) {
    const at = out.length === 0 ? 0 : m.at % out.length;
    if (m.op === "flip") out[at] = m.byte;
    else if (m.op === "cut") out = out.slice(0, at);
    else if (m.op === "insert") out.splice(at, 0, ...m.bytes);
    else out.splice(at, 0, ...out.slice(at, at + m.length));
  }
  return Uint8Array.from(out);
}

/** Random bytes, or a good or poison record with a few mutations. */
const envelopeBytes: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 200 }),
  fc
    .tuple(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 4 }))
    .map(([i, ms]) => mutate(seeds[i % seeds.length] as Uint8Array, ms)),
);

const consumed = (value: Uint8Array, offset: number, key = "ws-0"): ConsumedMessage => ({
  topic: recordsTopic("eu"),
  partition: 0,
  offset: BigInt(offset),
  key,
  value,
  headers: {},
  timestamp: 0,
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "facsimile-fuzz-"));
  store = new LocalObjectStore(join(dir, "lake"), { durable: false });
  transport = createLocalTransport({ directory: join(dir, "bus"), fsync: false });
  await createRegionTopics(transport, "eu", { partitions: 1 });
  workload = generateWorkload(registry, store, {
    seed: 5,
    workspaces: 2,
    issuesPerWorkspace: 3,
    projectsPerWorkspace: 1,
    pagesPerWorkspace: 2,
    largeShare: 0.5,
  });
  await publishWorkload(transport, store, "eu", { deliveries: [], offloads: workload.offloads });
  seeds = [
    ...workload.records.map((r) => r.bytes),
    ...poisonRecords(registry, store, "ws-0").map((p) => p.message.value),
  ];
});
afterAll(async () => {
  await transport?.close();
  await rm(dir, { recursive: true, force: true });
});

/** The resource of an accepted record belongs to the record's workspace, a valid workspace id. */
function expectOwnWorkspace(resourceAri: string, workspaceId: string): void {
  expect(workspaceId).toMatch(WORKSPACE_ID_PATTERN);
  expect(tryParseAri(resourceAri)?.workspaceId, resourceAri).toBe(workspaceId);
}

describe("ingest under random and mutated envelopes", () => {
  it("the decoder fails only with dead-letter kinds", async () => {
    const decoder = createRecordDecoder({ registry, store }, { decodeValue: false, retry: { budgetMs: 0 } });
    await fc.assert(
      fc.asyncProperty(envelopeBytes, async (bytes) => {
        await decoder.decode(bytes).then(
          () => undefined,
          (err: unknown) => {
            const code = (err as { code?: unknown }).code;
            expect(DEAD_LETTER_CODES.has(String(code)), `${String(code)}: ${String(err)}`).toBe(true);
          },
        );
      }),
      params,
    );
  });

  it("a batch's classification never throws, keeps the good records and accepts no foreign resource", async () => {
    const decoder = createRecordDecoder({ registry, store }, { decodeValue: false, retry: { budgetMs: 0 } });
    const deps = { region: "eu", decoder, registry, directory: undefined };
    const good = workload.records.slice(0, 4).map((r, i) => consumed(r.bytes, i, r.workspaceId));
    await fc.assert(
      fc.asyncProperty(fc.array(envelopeBytes, { minLength: 1, maxLength: 8 }), async (batch) => {
        const messages = [...good, ...batch.map((b, i) => consumed(b, good.length + i))];
        const plan = await classifyMessages(deps, messages);
        expect(
          plan.accepted.length + plan.deadLetters.length + plan.reroutes.length + plan.drops.length,
        ).toBe(messages.length);
        for (const g of good) expect(plan.accepted.some((a) => a.message === g)).toBe(true);
        for (const a of plan.accepted) expectOwnWorkspace(a.decoded.envelope.resourceAri, a.workspaceId);
      }),
      params,
    );
  });

  it("the worker takes a stream of mutated envelopes among good records and lands no foreign row", async () => {
    const sample = fc.sample(envelopeBytes, { numRuns: 60, seed: SEED ?? 17 });
    await transport.produce(recordsTopic("eu"), [
      ...workload.deliveries.slice(0, 10).map(deliveryMessage),
      ...sample.map((value) => ({ key: "ws-0", value })),
      ...workload.deliveries.slice(10).map(deliveryMessage),
    ]);
    const { models } = await compileModels(registry);
    const worker = createIngestWorker({
      region: "eu",
      transport,
      store,
      registry,
      models,
      options: {
        groupId: "ingest-fuzz",
        maxBatchSize: 500,
        maxWaitMs: 20,
        mergePollMs: 100,
        table: { scratchDir: join(dir, "scratch"), cacheDir: join(dir, "cache") },
        duckdb: { config: { threads: "1" } },
      },
    });
    await worker.start();
    try {
      await untilCaughtUp(worker);
    } finally {
      await worker.stop();
    }
    expect(worker.metrics.recordsIn.get({ region: "eu" })).toBe(workload.deliveries.length + sample.length);
    const duck = await openDuckDb();
    try {
      let rows = 0;
      for (const name of ["jira_issue", "jira_project", "confluence_page"]) {
        const table = openTable(store, regionLayout.table("eu", name), duck.connection, {
          scratchDir: join(dir, "scratch"),
          cacheDir: join(dir, "cache"),
        });
        for (const row of await readRows(table)) {
          rows++;
          expectOwnWorkspace(String(row.envelope_fields_resource_ari_value), String(row.workspace_id));
          expect(row.envelope_fields_workspace_id_value).toBe(
            `ari:cloud:platform::workspace/${row.workspace_id}`,
          );
        }
      }
      expect(rows).toBeGreaterThan(0);
    } finally {
      duck.close();
    }
  });
});
