// The producer SDK against the real services: records to real Kafka, large payloads offloaded to real MinIO
// (SSE-KMS for a BYOK workspace), and every record consumed and decoded back, byte for byte. Then the failure
// half of the contract: a broker that does not answer is a retriable error within the budget.
import { type ConsumedMessage, createKafkaTransport, recordsTopic, type Transport } from "@facsimile/bus";
import { S3ObjectStore } from "@facsimile/object-store/s3";
import { createProducer, PublishFailedError, type PublishReceipt } from "@facsimile/producer-sdk";
import {
  createRecordDecoder,
  createStaticWorkspaceDirectory,
  decodeRecord,
  encodeRecord,
  sha256Hex,
} from "@facsimile/protocol";
import {
  type ConfluencePageInput,
  encodeEntity,
  type JiraProjectInput,
  loadDefaultRegistry,
} from "@facsimile/schemas";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { services, uniqueName } from "../helpers.js";

const registry = loadDefaultRegistry();

function project(i: number): JiraProjectInput {
  return {
    projectId: `p-${i}`,
    key: `P${i}`,
    name: `Project ${i}`,
    description: i % 2 === 0 ? null : `described ${i}`,
    lead: "ada",
    projectType: "SOFTWARE",
    issueCount: i,
    archived: i % 3 === 0,
    createdAt: new Date(1_700_000_000_000 + i),
    updatedAt: new Date(1_700_000_100_000 + i),
  };
}

function page(i: number, bodyBytes: number): ConfluencePageInput {
  return {
    pageId: `pg-${i}`,
    spaceKey: "ENG",
    title: `Page ${i}`,
    body: `${i}:`.padEnd(bodyBytes, "lorem ipsum "),
    status: "CURRENT",
    classification: "CONFIDENTIAL",
    parentPageId: null,
    ancestorIds: ["root"],
    labels: [],
    version: { number: BigInt(i), authorId: null, message: "edit", createdAt: new Date(1_700_000_000_000) },
    linkedIssues: [],
    wordCount: 2,
    hasInlineComments: true,
    createdAt: new Date(1_700_000_000_000),
    updatedAt: new Date(1_700_000_000_500),
  };
}

describe("producer SDK on real Kafka and MinIO", () => {
  const region = uniqueName("r").toLowerCase().slice(0, 40);
  const topic = recordsTopic(region);
  let transport: Transport;
  let store: S3ObjectStore;

  beforeAll(async () => {
    const s = services();
    transport = createKafkaTransport({
      brokers: s.kafkaBrokers,
      clientId: uniqueName("producer-it"),
      sessionTimeoutMs: 6_000,
      heartbeatIntervalMs: 300,
    });
    await transport.createTopics([{ topic, partitions: 3 }]);
    store = new S3ObjectStore({
      bucket: s.s3.bucket,
      prefix: uniqueName("producer-it"),
      endpoint: s.s3.endpoint,
      region: s.s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: s.s3.accessKeyId, secretAccessKey: s.s3.secretAccessKey },
    });
  });
  afterAll(async () => {
    await transport.deleteTopics([topic]).catch(() => undefined);
    await transport.close();
    await store.close();
  });

  it("publishes through the SDK with offloads and decodes every record back, byte for byte", async () => {
    const s = services();
    const directory = createStaticWorkspaceDirectory({
      "ws-a": region,
      "ws-b": { region, kmsKeyId: s.s3.kmsKeyId },
    });
    const producer = createProducer(
      { transport, store, directory, registry },
      { offloadThresholdBytes: 8 * 1024 },
    );
    type Sent = {
      entity: "JiraProject" | "ConfluencePage";
      ws: string;
      ari: string;
      value: object;
      receipt: PublishReceipt;
    };
    const sent: Promise<Sent>[] = [];
    for (let i = 0; i < 150; i++) {
      const ws = i % 2 === 0 ? "ws-a" : "ws-b";
      const ari = `ari:cloud:jira:${ws}:project/p-${i}`;
      const value = project(i);
      sent.push(
        producer
          .publish("JiraProject", { workspaceId: ws, resourceAri: ari, value })
          .then((receipt) => ({ entity: "JiraProject", ws, ari, value, receipt })),
      );
    }
    // Pages of 100 B (inline), 20 KiB (offloaded) and 300 KiB (offloaded even at the default threshold).
    for (const [i, size] of [100, 20_000, 300_000, 20_000, 100].entries()) {
      const ws = i % 2 === 0 ? "ws-a" : "ws-b";
      const ari = `ari:cloud:confluence:${ws}:page/pg-${i}`;
      const value = page(i, size);
      sent.push(
        producer
          .publish("ConfluencePage", { workspaceId: ws, resourceAri: ari, value })
          .then((receipt) => ({ entity: "ConfluencePage", ws, ari, value, receipt })),
      );
    }
    const published = await Promise.all(sent);
    await producer.close();
    expect(published.filter((p) => p.receipt.offloadedTo !== undefined)).toHaveLength(3);

    // The BYOK workspace's object is encrypted with its KMS key.
    const byok = published.find((p) => p.ws === "ws-b" && p.receipt.offloadedTo !== undefined);
    const byokKey = byok?.receipt.offloadedTo?.slice(store.url.length + 1) ?? "";
    expect((await store.head(byokKey))?.kmsKeyId).toContain(s.s3.kmsKeyId);

    const seen: ConsumedMessage[] = [];
    const consumer = await transport.consume({
      groupId: uniqueName("producer-it"),
      topics: [topic],
      maxWaitMs: 100,
      onBatch: async (b, c) => {
        seen.push(...b.messages);
        await c.commit(b.nextOffsets);
      },
    });
    const deadline = Date.now() + 30_000;
    while (seen.length < published.length && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    await consumer.stop();
    expect(seen).toHaveLength(published.length);

    const decoder = createRecordDecoder({ registry, store });
    const byOffset = new Map(seen.map((m) => [`${m.partition}:${m.offset}`, m]));
    for (const p of published) {
      const m = byOffset.get(`${p.receipt.partition}:${p.receipt.offset}`);
      expect(m, `record ${p.ari} at its receipt's offset`).toBeDefined();
      const message = m as ConsumedMessage;
      expect(message.key).toBe(p.ws);
      // The envelope bytes are canonical: decoding and encoding again gives the very same bytes.
      expect(encodeRecord(decodeRecord(message.value))).toEqual(message.value);
      const d = await decoder.decode(message.value);
      expect(d.envelope.resourceAri).toBe(p.ari);
      expect(d.envelope.version).toBe(p.receipt.version);
      expect(d.entity.name).toBe(p.entity);
      expect(d.offloaded).toBe(p.receipt.offloadedTo !== undefined);
      const expectedBytes = encodeEntity(registry, p.entity, p.value);
      expect(d.payload).toEqual(expectedBytes);
      expect(d.payloadHash).toBe(sha256Hex(expectedBytes));
      expect(d.value).toEqual(p.value);
    }
    // Keyed by workspace: each workspace's records sit in exactly one partition.
    for (const ws of ["ws-a", "ws-b"]) {
      expect(new Set(seen.filter((m) => m.key === ws).map((m) => m.partition)).size).toBe(1);
    }
  });

  it("gives a retriable PublishFailedError within the budget when the broker does not answer", async () => {
    const down = createKafkaTransport({
      brokers: ["127.0.0.1:1"],
      retries: 0,
      connectionTimeoutMs: 200,
      initialRetryTimeMs: 20,
      maxRetryTimeMs: 50,
    });
    const producer = createProducer(
      { transport: down, store, directory: createStaticWorkspaceDirectory({ "ws-a": region }), registry },
      { retry: { budgetMs: 1_000, initialBackoffMs: 50 } },
    );
    const started = Date.now();
    const publishing = producer
      .publish("JiraProject", {
        workspaceId: "ws-a",
        resourceAri: "ari:cloud:jira:ws-a:project/p-1",
        value: project(1),
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    // flush() waits for the record and reports its failure too: no silent drop either way.
    const flushing = producer.flush().then(
      () => undefined,
      (e: unknown) => e,
    );
    const [error, flushError] = await Promise.all([publishing, flushing]);
    expect(error).toBeInstanceOf(PublishFailedError);
    expect((error as PublishFailedError).retriable).toBe(true);
    expect(flushError).toBe(error);
    expect(Date.now() - started).toBeLessThan(10_000);
    await down.close();
  });
});
