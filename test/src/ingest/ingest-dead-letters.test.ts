// Records the worker cannot or must not ingest, mixed into a stream of good ones on real Kafka and MinIO: each
// malformed kind lands in the region's DLQ with its reason header (undecodable bytes, unknown entity type,
// missing and corrupt offloaded payloads, an entity payload that does not decode, an unknown workspace, a record
// a transform model fails on); a workspace living elsewhere is re-routed to its region's topic; a record below
// its workspace's deletion generation is dropped; and every good record reaches the tables.
import { copyFile, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type ConsumedMessage,
  createRegionTopics,
  dlqTopic,
  recordsTopic,
  type Transport,
} from "@facsimile/bus";
import { waitFor } from "@facsimile/core/testing";
import {
  createIngestWorker,
  createStaticIngestDirectory,
  DLQ_HEADERS,
  REROUTED_FROM_HEADER,
} from "@facsimile/ingest";
import {
  generateWorkload,
  lwwOracle,
  publishWorkload,
  untilCaughtUp,
  verifyTables,
  type WorkloadRecord,
} from "@facsimile/ingest/testing";
import { openDuckDb, openTable, readRows, regionLayout } from "@facsimile/lake";
import type { S3ObjectStore } from "@facsimile/object-store/s3";
import {
  encodeRecord,
  type FacsimileRecord,
  offloadUri,
  sha256Hex,
  workspaceAriString,
} from "@facsimile/protocol";
import { encodeEntity, type JiraProjectInput, loadDefaultRegistry } from "@facsimile/schemas";
import { compileModels, DEFAULT_MODELS_DIR } from "@facsimile/transforms";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uniqueName } from "../helpers.js";
import { kafkaTransport, s3Store, uniqueRegion } from "./ingest-support.js";

const registry = loadDefaultRegistry();
const PROJECT = registry.entity("JiraProject");

/** A model that fails on one value: the project named "poison" cannot be cast. */
const POISON_MODEL = `{{ config(writer='merge', primary_key=['envelope_fields_resource_ari_value']) }}
SELECT
  {{ select_envelope_fields() }}
  CAST(name AS VARCHAR) AS name,
  CASE WHEN name = 'poison' THEN CAST(name AS INTEGER) ELSE issue_count END AS issues,
  {{ select_required_fields() }}
FROM {{ source('entities', 'JiraProject') }}
`;

function projectValue(name: string): JiraProjectInput {
  return {
    projectId: name,
    key: "K",
    name,
    description: null,
    lead: null,
    projectType: "BUSINESS",
    issueCount: 3,
    archived: false,
    createdAt: new Date(1_767_000_000_000),
    updatedAt: new Date(1_767_000_000_000),
  };
}

function projectRecord(
  ws: string,
  id: string,
  generation: bigint,
  payload: FacsimileRecord["payload"],
): WorkloadRecord {
  const record: FacsimileRecord = {
    resourceAri: `ari:cloud:jira:${ws}:project/${id}`,
    entityType: PROJECT.entityType,
    workspaceId: workspaceAriString(ws),
    version: 7n,
    generationWatermark: generation,
    isTombstone: false,
    payload,
  };
  return { workspaceId: ws, entity: "JiraProject", record, bytes: encodeRecord(record) };
}

function inline(name: string): FacsimileRecord["payload"] {
  return {
    case: "entity",
    value: { typeUrl: PROJECT.typeUrl, value: encodeEntity(registry, "JiraProject", projectValue(name)) },
  };
}

async function readTopic(transport: Transport, topic: string, count: number): Promise<ConsumedMessage[]> {
  const seen: ConsumedMessage[] = [];
  const consumer = await transport.consume({
    groupId: uniqueName("ingest-dlq-reader"),
    topics: [topic],
    maxWaitMs: 100,
    onBatch: async (b) => {
      seen.push(...b.messages);
    },
  });
  await waitFor(`${count} messages on ${topic}`, () => seen.length >= count, {
    timeoutMs: 30_000,
    intervalMs: 100,
  });
  await new Promise((r) => setTimeout(r, 500));
  await consumer.stop();
  return seen;
}

describe("dead letters, re-routes and drops on real Kafka and MinIO", () => {
  const region = uniqueRegion();
  const elsewhere = uniqueRegion();
  let transport: Transport;
  let store: S3ObjectStore;
  let modelsDir: string;

  beforeAll(async () => {
    transport = kafkaTransport();
    store = s3Store();
    await createRegionTopics(transport, region, { partitions: 3 });
    await createRegionTopics(transport, elsewhere, { partitions: 1 });
    modelsDir = await mkdtemp(join(tmpdir(), "facsimile-ingest-models-"));
    for (const f of await readdir(DEFAULT_MODELS_DIR))
      if (f.endsWith(".sql")) await copyFile(join(DEFAULT_MODELS_DIR, f), join(modelsDir, f));
    await writeFile(join(modelsDir, "jira_project_poison.sql"), POISON_MODEL);
  });
  afterAll(async () => {
    await transport
      .deleteTopics([recordsTopic(region), dlqTopic(region), recordsTopic(elsewhere), dlqTopic(elsewhere)])
      .catch(() => undefined);
    await transport.close();
    await store.close();
    await rm(modelsDir, { recursive: true, force: true });
  });

  it("dead-letters each malformed kind with its reason while good records flow", async () => {
    const good = generateWorkload(registry, store, {
      seed: 3,
      workspaces: 2,
      issuesPerWorkspace: 10,
      largeShare: 0.5,
    });
    const corruptBytes = new Uint8Array(64).fill(1);
    await store.put("offload/ws-0/cc/corrupt", corruptBytes);
    const bad: { reason: string; message: { key: string; value: Uint8Array } }[] = [
      { reason: "UNDECODABLE", message: { key: "ws-0", value: new Uint8Array([0xff, 0xff, 0xff, 0x01]) } },
      {
        reason: "UNKNOWN_ENTITY",
        message: {
          key: "ws-0",
          value: encodeRecord({
            ...projectRecord("ws-0", "unknown", 0n, inline("x")).record,
            entityType: 999,
            payload: {
              case: "entity",
              value: {
                typeUrl: "type.googleapis.com/facsimile.entities.v1.Nope",
                value: new Uint8Array([8, 1]),
              },
            },
          }),
        },
      },
      {
        reason: "OFFLOAD_MISSING",
        message: projectMessage(
          projectRecord("ws-0", "missing", 0n, pointer("offload/ws-0/ab/missing", new Uint8Array(10))),
        ),
      },
      {
        reason: "OFFLOAD_CORRUPT",
        message: projectMessage(
          projectRecord("ws-0", "corrupt", 0n, {
            case: "offloadPointer",
            value: {
              uri: offloadUri(store, "offload/ws-0/cc/corrupt"),
              sha256: sha256Hex(new Uint8Array(64).fill(2)),
              sizeBytes: 64,
              typeUrl: PROJECT.typeUrl,
            },
          }),
        ),
      },
      {
        reason: "ENTITY_UNDECODABLE",
        message: projectMessage(
          projectRecord("ws-1", "garbled", 0n, {
            case: "entity",
            value: { typeUrl: PROJECT.typeUrl, value: new Uint8Array([0x0a, 0x05, 0x61]) },
          }),
        ),
      },
      {
        reason: "UNKNOWN_WORKSPACE",
        message: projectMessage(projectRecord("ws-stranger", "p", 0n, inline("stranger"))),
      },
      {
        reason: "TRANSFORM_FAILED",
        message: projectMessage(projectRecord("ws-1", "poison", 0n, inline("poison"))),
      },
    ];
    const moved = projectRecord("ws-moved", "p", 0n, inline("moved"));
    const deletedOld = projectRecord("ws-deleted", "p", 1n, inline("old generation"));
    const deletedNew = projectRecord("ws-deleted", "q", 2n, inline("new generation"));
    const poison = projectRecord("ws-1", "poison", 0n, inline("poison"));

    const directory = createStaticIngestDirectory({
      "ws-0": region,
      "ws-1": region,
      "ws-moved": elsewhere,
      "ws-deleted": { region, deletionGeneration: 2 },
    });
    const { models } = await compileModels(registry, { modelsDir });
    const scratch = join(tmpdir(), uniqueName("ingest-dlq"));
    const worker = createIngestWorker({
      region,
      transport,
      store,
      registry,
      directory,
      models,
      options: {
        groupId: uniqueName("ingest-dlq"),
        maxBatchSize: 100,
        mergePollMs: 200,
        table: { scratchDir: join(scratch, "s"), cacheDir: join(scratch, "c") },
        duckdb: { config: { threads: "2" } },
      },
    });
    await worker.start();
    try {
      // Bad records in the middle of the good ones: the good ones before and after them must all arrive.
      const half = Math.floor(good.deliveries.length / 2);
      await publishWorkload(transport, store, region, {
        deliveries: good.deliveries.slice(0, half),
        offloads: good.offloads,
      });
      await transport.produce(recordsTopic(region), [
        ...bad.map((b) => b.message),
        ...[moved, deletedOld, deletedNew].map(projectMessage),
      ]);
      await publishWorkload(transport, store, region, {
        deliveries: good.deliveries.slice(half),
        offloads: [],
      });
      await untilCaughtUp(worker, { timeoutMs: 90_000, intervalMs: 200 });
    } finally {
      await worker.stop();
    }

    const letters = await readTopic(transport, dlqTopic(region), bad.length);
    expect(letters.map((l) => l.headers[DLQ_HEADERS.reason]).sort()).toEqual(bad.map((b) => b.reason).sort());
    for (const b of bad) {
      const letter = letters.find((l) => l.headers[DLQ_HEADERS.reason] === b.reason) as ConsumedMessage;
      expect(letter.headers[DLQ_HEADERS.source]).toMatch(
        new RegExp(`^${recordsTopic(region).replaceAll(".", "\\.")}/\\d+/\\d+$`),
      );
      expect(letter.headers[DLQ_HEADERS.detail]?.length ?? 0).toBeGreaterThan(0);
      expect(letter.key).toBe(b.message.key);
      // Stage-1 letters carry the original bytes; a transform failure is re-encoded from the sink with the same envelope.
      if (b.reason !== "TRANSFORM_FAILED") expect(letter.value).toEqual(b.message.value);
    }
    expect(
      letters.find((l) => l.headers[DLQ_HEADERS.reason] === "TRANSFORM_FAILED")?.headers[DLQ_HEADERS.detail],
    ).toContain("jira_project_poison");

    const rerouted = await readTopic(transport, recordsTopic(elsewhere), 1);
    expect(rerouted).toHaveLength(1);
    expect(rerouted[0]?.value).toEqual(moved.bytes);
    expect(rerouted[0]?.headers[REROUTED_FROM_HEADER]).toBe(region);
    expect(worker.metrics.rerouted.get({ region, to: elsewhere })).toBe(1);
    expect(worker.metrics.dropped.get({ region, reason: "below_deletion_generation" })).toBe(1);
    for (const b of bad) expect(worker.metrics.deadLetters.get({ region, reason: b.reason })).toBe(1);

    const duck = await openDuckDb();
    try {
      const ingested = [...good.records, deletedNew, poison];
      const check = await verifyTables({
        store,
        region,
        connection: duck.connection,
        registry,
        winners: lwwOracle(ingested),
        delivered: good.deliveries,
        offloadedBytes: new Map(good.offloads.map((o) => [offloadUri(store, o.key), o.bytes])),
      });
      expect(check.differences).toEqual([]);
      const poisonTable = await readRows(
        openTable(store, regionLayout.table(region, "jira_project_poison"), duck.connection),
      );
      const aris = poisonTable.map((r) => r.envelope_fields_resource_ari_value);
      expect(aris).not.toContain(poison.record.resourceAri);
      expect(aris).toContain(deletedNew.record.resourceAri);
      expect(poisonTable).toHaveLength(lwwOracle(ingested, (r) => r.entity === "JiraProject").size - 1);
    } finally {
      duck.close();
    }
  });

  function pointer(key: string, bytes: Uint8Array): FacsimileRecord["payload"] {
    return {
      case: "offloadPointer",
      value: {
        uri: offloadUri(store, key),
        sha256: sha256Hex(bytes),
        sizeBytes: bytes.length,
        typeUrl: PROJECT.typeUrl,
      },
    };
  }
});

function projectMessage(r: WorkloadRecord): { key: string; value: Uint8Array } {
  return { key: r.workspaceId, value: r.bytes };
}
