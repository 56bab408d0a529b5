// The ingest worker against real Kafka and MinIO: a generated workload streamed while the worker runs (shuffled
// versions, duplicated deliveries, tombstones, generation bumps, 320 KiB payloads offloaded to S3) ends in target
// tables equal to the last-writer-wins oracle; the raw sink holds each Kafka record once; the metrics endpoint
// reports what happened.

import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRegionTopics, recordsTopic, type Transport } from "@facsimile/bus";
import { createIngestWorker, serveMetrics } from "@facsimile/ingest";
import {
  generateWorkload,
  lwwOracle,
  publishWorkload,
  untilCaughtUp,
  verifyTables,
} from "@facsimile/ingest/testing";
import { openDuckDb, openTable, readRows, regionLayout } from "@facsimile/lake";
import type { S3ObjectStore } from "@facsimile/object-store/s3";
import { offloadUri } from "@facsimile/protocol";
import { loadDefaultRegistry } from "@facsimile/schemas";
import { compileModels } from "@facsimile/transforms";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uniqueName } from "../helpers.js";
import { kafkaTransport, s3Store, uniqueRegion } from "./ingest-support.js";

const registry = loadDefaultRegistry();

describe("ingest worker on real Kafka and MinIO", () => {
  const region = uniqueRegion();
  let transport: Transport;
  let store: S3ObjectStore;
  const scratch = join(tmpdir(), uniqueName("ingest-it"));

  beforeAll(async () => {
    transport = kafkaTransport();
    store = s3Store();
    await createRegionTopics(transport, region, { partitions: 4 });
  });
  afterAll(async () => {
    await transport.deleteTopics([recordsTopic(region), `facsimile.${region}.dlq`]).catch(() => undefined);
    await transport.close();
    await store.close();
  });

  it("streams a shuffled, duplicated workload with offloads into tables equal to the LWW oracle", async () => {
    const workload = generateWorkload(registry, store, {
      seed: 42,
      workspaces: 8,
      issuesPerWorkspace: 25,
      pagesPerWorkspace: 3,
      largeShare: 0.4,
    });
    expect(workload.offloads.length).toBeGreaterThan(3);
    const { models } = await compileModels(registry);
    const worker = createIngestWorker({
      region,
      transport,
      store,
      registry,
      models,
      options: {
        groupId: uniqueName("ingest-it"),
        maxBatchSize: 300,
        mergePollMs: 200,
        lagIntervalMs: 500,
        table: { scratchDir: join(scratch, "scratch"), cacheDir: join(scratch, "cache") },
        duckdb: { config: { threads: "2" } },
      },
    });
    const metrics = await serveMetrics(() => worker.metrics.registry.render(), 0, "127.0.0.1");
    await worker.start();
    try {
      // Streamed in slices while the worker consumes, so batches, sink versions and merge rounds interleave.
      const slices = 6;
      const per = Math.ceil(workload.deliveries.length / slices);
      await publishWorkload(transport, store, region, { deliveries: [], offloads: workload.offloads });
      for (let i = 0; i < slices; i++) {
        await publishWorkload(transport, store, region, {
          deliveries: workload.deliveries.slice(i * per, (i + 1) * per),
          offloads: [],
        });
        await new Promise((r) => setTimeout(r, 300));
      }
      await untilCaughtUp(worker, { timeoutMs: 120_000, intervalMs: 200 });
      const text = await (await fetch(metrics.url)).text();
      expect(text).toMatch(
        new RegExp(
          `facsimile_ingest_records_in_total\\{region="${region}"\\} ${workload.deliveries.length}\\b`,
        ),
      );
      expect(text).toContain('facsimile_ingest_freshness_seconds_bucket{region="');
      expect(text).toContain("facsimile_ingest_consumer_lag");
    } finally {
      await worker.stop();
      await metrics.close();
    }
    expect(worker.metrics.freshness.totals({ region, stage: "merge" }).count).toBeGreaterThan(0);

    const duck = await openDuckDb();
    try {
      const check = await verifyTables({
        store,
        region,
        connection: duck.connection,
        registry,
        winners: lwwOracle(workload.records),
        delivered: workload.deliveries,
        offloadedBytes: new Map(workload.offloads.map((o) => [offloadUri(store, o.key), o.bytes])),
      });
      expect(check.differences).toEqual([]);
      expect(check.rows.jira_issue).toBe(8 * 25);
      // The sink holds every delivered Kafka record exactly once.
      const sink = await readRows(openTable(store, regionLayout.sink(region), duck.connection));
      expect(sink).toHaveLength(workload.deliveries.length);
      expect(new Set(sink.map((r) => `${r.kafka_partition}/${r.kafka_offset}`)).size).toBe(sink.length);
      expect(sink.filter((r) => r.offloaded === true).length).toBeGreaterThan(0);
    } finally {
      duck.close();
    }
  });
});
