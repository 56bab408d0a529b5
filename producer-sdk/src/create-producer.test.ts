// The producer end to end on the embedded bus (LocalTransport) and the local object store: publish, offload,
// tombstones, versions, bad input, backpressure, and decoding every record back.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type ConsumedMessage,
  createLocalTransport,
  hlcParts,
  recordsTopic,
  type Transport,
} from "@facsimile/bus";
import { waitFor } from "@facsimile/core/testing";
import { LocalObjectStore } from "@facsimile/object-store";
import { S3ObjectStore } from "@facsimile/object-store/s3";
import {
  createRecordDecoder,
  createStaticWorkspaceDirectory,
  OffloadIntegrityError,
  OffloadUnresolvableError,
  offloadKey,
} from "@facsimile/protocol";
import {
  type ConfluencePageInput,
  type JiraIssueInput,
  loadDefaultRegistry,
  UnknownEntityError,
} from "@facsimile/schemas";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { createProducer, type ProducerOptions } from "./create-producer.js";
import {
  OffloadFailedError,
  PayloadTooLargeError,
  ProducerClosedError,
  UnknownWorkspaceError,
  ValidationError,
} from "./errors.js";

const registry = loadDefaultRegistry();
const root = await mkdtemp(join(tmpdir(), "facsimile-producer-"));
afterAll(() => rm(root, { recursive: true, force: true }));

const directory = createStaticWorkspaceDirectory({ "ws-1": "eu", "ws-2": { region: "eu", kmsKeyId: "k-2" } });

function issue(n: number, description: string | null = "short"): JiraIssueInput {
  return {
    issueId: `10${n}`,
    key: `FAC-${n}`,
    project: "ari:cloud:jira:ws-1:project/p1",
    summary: `issue ${n}`,
    description,
    status: "IN_PROGRESS",
    classification: "INTERNAL",
    assignee: null,
    reporter: "ada",
    labels: ["a", "b"],
    fields: [{ fieldId: "f1", name: "Team", value: "bus", updatedAt: new Date(1_700_000_000_000) }],
    voteCount: n,
    watchCount: 12n,
    createdAt: new Date(1_700_000_000_000),
    updatedAt: new Date(1_700_000_001_000),
  };
}

function page(body: string): ConfluencePageInput {
  return {
    pageId: "pg-1",
    spaceKey: "ENG",
    title: "Design",
    body,
    status: "CURRENT",
    classification: "PUBLIC",
    parentPageId: null,
    ancestorIds: [],
    labels: ["design"],
    version: { number: 3n, authorId: "ada", message: null, createdAt: new Date(1_700_000_000_000) },
    linkedIssues: ["ari:cloud:jira:ws-2:issue/1"],
    wordCount: 2,
    hasInlineComments: null,
    createdAt: new Date(1_700_000_000_000),
    updatedAt: new Date(1_700_000_002_000),
  };
}

let transport: Transport;
let store: LocalObjectStore;
let n = 0;

beforeEach(async () => {
  n += 1;
  transport = createLocalTransport({ directory: join(root, `bus-${n}`), fsync: false, pollIntervalMs: 10 });
  await transport.createTopics([{ topic: recordsTopic("eu"), partitions: 3 }]);
  store = new LocalObjectStore(join(root, `store-${n}`), { durable: false });
});
afterEach(async () => {
  await transport.close();
  await store.close();
});

function producer(options: Partial<ProducerOptions> = {}) {
  return createProducer({ transport, store, directory, registry }, { lingerMs: 2, ...options });
}

async function consumeAll(count: number): Promise<ConsumedMessage[]> {
  const seen: ConsumedMessage[] = [];
  const c = await transport.consume({
    groupId: `g-${Math.random()}`,
    topics: [recordsTopic("eu")],
    maxWaitMs: 10,
    onBatch: async (b) => {
      seen.push(...b.messages);
    },
  });
  await waitFor(`${count} messages`, () => seen.length >= count, { timeoutMs: 10_000, intervalMs: 10 });
  await c.stop();
  return seen;
}

async function published(): Promise<bigint> {
  return (await transport.latestOffsets(recordsTopic("eu"))).reduce((s, o) => s + o.offset, 0n);
}

describe("createProducer", () => {
  it("publishes entities keyed by workspace and decodes them back to the same values", async () => {
    const p = producer();
    const receipts = await Promise.all(
      [1, 2, 3].map((i) =>
        p.publish("JiraIssue", {
          workspaceId: "ws-1",
          resourceAri: `ari:cloud:jira:ws-1:issue/${i}`,
          value: issue(i),
        }),
      ),
    );
    await p.close();
    expect(new Set(receipts.map((r) => r.partition)).size).toBe(1);
    expect(receipts.map((r) => r.offset)).toEqual([0n, 1n, 2n]);
    const messages = await consumeAll(3);
    expect(messages.map((m) => m.key)).toEqual(["ws-1", "ws-1", "ws-1"]);
    // No Kafka headers: the envelope carries the entity type, and kafkajs pays a buffer for every header.
    expect(messages.map((m) => Object.keys(m.headers))).toEqual([[], [], []]);
    const decoder = createRecordDecoder({ registry, store });
    const decoded = await Promise.all(messages.map((m) => decoder.decode(m.value)));
    expect(decoded.map((d) => d.envelope.resourceAri)).toEqual(
      [1, 2, 3].map((i) => `ari:cloud:jira:ws-1:issue/${i}`),
    );
    expect(decoded[1]?.envelope.workspaceId).toBe("ari:cloud:platform::workspace/ws-1");
    expect(decoded[1]?.envelope.entityType).toBe(registry.entity("JiraIssue").entityType);
    expect(decoded[1]?.value).toEqual({ ...issue(2), watchCount: 12n });
    expect(decoded[1]?.offloaded).toBe(false);
    // Versions come from the hybrid logical clock: increasing and close to now.
    const versions = decoded.map((d) => d.envelope.version);
    expect(versions[1]).toBeGreaterThan(versions[0] as bigint);
    expect(Math.abs(hlcParts(versions[0] as bigint).wallMs - Date.now())).toBeLessThan(60_000);
  });

  it("offloads payloads above the threshold, content-addressed, and the decoder verifies them", async () => {
    const p = producer({ offloadThresholdBytes: 1024 });
    const body = "x".repeat(5000);
    const change = {
      workspaceId: "ws-2",
      resourceAri: "ari:cloud:confluence:ws-2:page/pg-1",
      value: page(body),
    };
    const r1 = await p.publish("ConfluencePage", { ...change, version: 1 });
    const r2 = await p.publish("ConfluencePage", { ...change, version: 2 });
    const small = await p.publish("ConfluencePage", { ...change, value: page("tiny"), version: 3 });
    await p.close();
    expect(r1.offloadedTo).toBeDefined();
    expect(r2.offloadedTo).toBe(r1.offloadedTo); // same bytes, same object
    expect(small.offloadedTo).toBeUndefined();
    const keys: string[] = [];
    for await (const o of store.list("offload/")) keys.push(o.key);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^offload\/ws-2\/[0-9a-f]{2}\/[0-9a-f]{64}$/);
    expect(r1.offloadedTo).toBe(`${store.url}/${keys[0]}`);

    const [m1, , m3] = await consumeAll(3);
    const decoder = createRecordDecoder({ registry, store });
    const d1 = await decoder.decode((m1 as ConsumedMessage).value);
    expect(d1.offloaded).toBe(true);
    expect(d1.value).toEqual(page(body));
    expect(d1.envelope.payload.case).toBe("offloadPointer");
    const d3 = await decoder.decode((m3 as ConsumedMessage).value);
    expect(d3.offloaded).toBe(false);
    expect(d3.payloadHash).not.toBe(d1.payloadHash);

    // A replaced object fails the sha256 check; a missing one and a foreign URI are unresolvable.
    const pointer = d1.envelope.payload.case === "offloadPointer" ? d1.envelope.payload.value : undefined;
    if (pointer === undefined) throw new Error("expected an offload pointer");
    await store.put(keys[0] as string, new Uint8Array(pointer.sizeBytes));
    await expect(decoder.fetchOffloaded(pointer)).rejects.toBeInstanceOf(OffloadIntegrityError);
    await store.put(keys[0] as string, new Uint8Array(3));
    await expect(decoder.fetchOffloaded(pointer)).rejects.toThrow("has 3 bytes");
    await store.delete(keys[0] as string);
    await expect(decoder.fetchOffloaded(pointer)).rejects.toBeInstanceOf(OffloadUnresolvableError);
    await expect(decoder.fetchOffloaded({ ...pointer, uri: "s3://elsewhere/x" })).rejects.toThrow("outside");
  });

  it("publishes tombstones and keeps explicit versions and generations", async () => {
    const p = producer();
    await p.delete("JiraIssue", {
      workspaceId: "ws-1",
      resourceAri: "ari:cloud:jira:ws-1:issue/9",
      version: 42n,
      generationWatermark: 3,
    });
    await p.close();
    const [m] = await consumeAll(1);
    const d = await createRecordDecoder({ registry }).decode((m as ConsumedMessage).value);
    expect(d.envelope).toMatchObject({ isTombstone: true, version: 42n, generationWatermark: 3n });
    expect(d.envelope.payload.case).toBeUndefined();
    expect(d.value).toBeUndefined();
    expect(d.payload).toBeUndefined();
  });

  it("rejects bad input with typed errors listing field paths, and publishes nothing", async () => {
    const p = producer({ maxPayloadBytes: 2000, offloadThresholdBytes: 100 });
    const bad = { ...issue(1), voteCount: 1.5, status: "LOST", extra: true } as unknown as JiraIssueInput;
    const error = await p
      .publish("JiraIssue", { workspaceId: "ws-1", resourceAri: "ari:cloud:jira:ws-9:issue/1", value: bad })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    const paths = (error as ValidationError).issues.map((i) => i.path).sort();
    expect(paths).toEqual(["resourceAri", "value.extra", "value.status", "value.voteCount"]);
    await expect(
      p.publish("JiraIssue", {
        workspaceId: "ws-1",
        resourceAri: "nope",
        value: issue(1),
        version: 2n ** 70n,
      }),
    ).rejects.toThrow(/resourceAri: .*; version: expected an int64/);
    await expect(
      p.publish("JiraIssue", {
        workspaceId: "ws-404",
        resourceAri: "ari:cloud:jira:ws-404:issue/1",
        value: issue(1),
      }),
    ).rejects.toBeInstanceOf(UnknownWorkspaceError);
    await expect(
      p.publish("NoSuchEntity" as "JiraIssue", {
        workspaceId: "ws-1",
        resourceAri: "ari:cloud:jira:ws-1:issue/1",
        value: issue(1),
      }),
    ).rejects.toBeInstanceOf(UnknownEntityError);
    await expect(
      p.publish("JiraIssue", {
        workspaceId: "ws-1",
        resourceAri: "ari:cloud:jira:ws-1:issue/1",
        value: issue(1, "y".repeat(3000)),
      }),
    ).rejects.toBeInstanceOf(PayloadTooLargeError);
    await p.flush();
    expect(await published()).toBe(0n);
    let offloaded = 0;
    for await (const _ of store.list("")) offloaded += 1;
    expect(offloaded).toBe(0);
    await p.close();
    await expect(
      p.publish("JiraIssue", {
        workspaceId: "ws-1",
        resourceAri: "ari:cloud:jira:ws-1:issue/1",
        value: issue(1),
      }),
    ).rejects.toBeInstanceOf(ProducerClosedError);
  });

  it("refuses a timestamp outside protobuf's range and a string with a lone surrogate, naming the field", async () => {
    const p = producer();
    const change = (value: JiraIssueInput) => ({
      workspaceId: "ws-1",
      resourceAri: "ari:cloud:jira:ws-1:issue/1",
      value,
    });
    const far = await p
      .publish("JiraIssue", change({ ...issue(1), createdAt: new Date(8_639_999_000_000_000) }))
      .catch((e: unknown) => e);
    expect(far).toBeInstanceOf(ValidationError);
    expect((far as ValidationError).issues.map((i) => i.path)).toEqual(["value.createdAt"]);
    expect((far as Error).message).toMatch(/outside the range of a protobuf Timestamp/);
    const lone = await p
      .publish("JiraIssue", change(issue(1, "broken \uD800 text")))
      .catch((e: unknown) => e);
    expect(lone).toBeInstanceOf(ValidationError);
    expect((lone as Error).message).toMatch(/lone UTF-16 surrogate/);
    await p.flush();
    expect(await published()).toBe(0n);
    await p.close();
  });

  it("refuses what the zod validators refuse though the encoder would take it, naming the field", async () => {
    const p = producer();
    const change = (value: JiraIssueInput) => ({
      workspaceId: "ws-1",
      resourceAri: "ari:cloud:jira:ws-1:issue/1",
      value,
    });
    const cases: Array<[JiraIssueInput, string]> = [
      [{ ...issue(1), storyPoints: Number.NaN }, "value.storyPoints"],
      [{ ...issue(1), storyPoints: Number.POSITIVE_INFINITY }, "value.storyPoints"],
      [{ ...issue(1), status: 2 as unknown as JiraIssueInput["status"] }, "value.status"],
      [{ ...issue(1), stroyPoints: undefined } as unknown as JiraIssueInput, "value.stroyPoints"],
      [
        {
          ...issue(1),
          fields: [{ ...issue(1).fields[0], extra: undefined }],
        } as unknown as JiraIssueInput,
        "value.fields.0.extra",
      ],
    ];
    for (const [value, path] of cases) {
      const error = await p.publish("JiraIssue", change(value)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues.map((i) => i.path)).toEqual([path]);
    }
    // Without validation only the encoder's checks apply: a NaN Float64 is written as it is.
    const lax = producer({ validate: false });
    await lax.publish("JiraIssue", change({ ...issue(1), storyPoints: Number.NaN }));
    await lax.close();
    await p.close();
    const [m] = await consumeAll(1);
    const d = await createRecordDecoder({ registry }).decode((m as ConsumedMessage).value);
    expect(Number.isNaN((d.value as { storyPoints: number }).storyPoints)).toBe(true);
  });

  it("makes publish wait while the bytes in flight are over the bound", async () => {
    const p = producer({ lingerMs: 60_000, maxBytesInFlight: 1 });
    const change = (i: number) => ({
      workspaceId: "ws-1",
      resourceAri: `ari:cloud:jira:ws-1:issue/${i}`,
      value: issue(i),
    });
    const settled: number[] = [];
    const first = p.publish("JiraIssue", change(1)).then(() => settled.push(1));
    const second = p.publish("JiraIssue", change(2)).then(() => settled.push(2));
    await new Promise((r) => setTimeout(r, 50));
    // The first holds the whole budget in the (long-lingering) batch; the second has not been accepted yet.
    expect(p.bytesInFlight).toBeGreaterThan(0);
    const held = p.bytesInFlight;
    expect(settled).toEqual([]);
    await p.flush();
    await Promise.all([first, second]);
    expect(settled).toEqual([1, 2]);
    expect(p.bytesInFlight).toBe(0);
    expect(held).toBeLessThan(2 * 1024);
    expect(await published()).toBe(2n);
  });

  it("fails with a retriable error after the budget when the object store is down, publishing nothing", async () => {
    const down = new S3ObjectStore({
      bucket: "b",
      endpoint: "http://127.0.0.1:1",
      forcePathStyle: true,
      maxAttempts: 1,
      connectionTimeoutMs: 200,
      credentials: { accessKeyId: "x", secretAccessKey: "y" },
    });
    const p = createProducer(
      { transport, store: down, directory, registry },
      { offloadThresholdBytes: 10, retry: { budgetMs: 300, initialBackoffMs: 20 } },
    );
    const error = await p
      .publish("JiraIssue", {
        workspaceId: "ws-1",
        resourceAri: "ari:cloud:jira:ws-1:issue/1",
        value: issue(1),
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OffloadFailedError);
    expect((error as OffloadFailedError).retriable).toBe(true);
    expect((error as OffloadFailedError).context.attempts).toBeGreaterThan(1);
    await expect(p.flush()).resolves.toBeUndefined();
    expect(await published()).toBe(0n);
    await down.close();
  });

  it("types publish per entity: a value of another entity does not compile", () => {
    const p = producer();
    const wrong = () =>
      p.publish("ConfluencePage", {
        workspaceId: "ws-1",
        resourceAri: "ari:cloud:jira:ws-1:issue/1",
        // @ts-expect-error a JiraIssue value is not a ConfluencePage
        value: issue(1),
      });
    const unknown = () =>
      // @ts-expect-error no such entity
      p.delete("NoSuchEntity", { workspaceId: "ws-1", resourceAri: "ari:cloud:jira:ws-1:issue/1" });
    expect([typeof wrong, typeof unknown]).toEqual(["function", "function"]);
  });

  it("uses a content-addressed key per workspace", () => {
    expect(offloadKey("offload", "ws-1", "abcdef")).toBe("offload/ws-1/ab/abcdef");
  });
});
