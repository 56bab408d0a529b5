// Crash safety with two workers on real Kafka and an S3 lake (MinIO): two `facsimile ingest` child processes of
// one consumer group share the region's partitions, so each owns the merges of its partitions' workspaces. While a
// workload streams in, one of them is killed with SIGKILL at 20+ random points (mostly the one that keeps
// rejoining, so many kills land while the group rebalances around its join; now and then the other) and restarted
// each time. At the end the target tables equal the last-writer-wins oracle, the change history holds every record
// exactly once (no Append row twice), and the raw sink holds every delivered Kafka record exactly once.
// FACSIMILE_CRASH_KILLS sets the number of kills (default 20), FACSIMILE_CRASH_SEED replays a seed.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRegionTopics, recordsTopic, type Transport } from "@facsimile/bus";
import {
  generateWorkload,
  lwwOracle,
  publishWorkload,
  seededRandom,
  verifyTables,
} from "@facsimile/ingest/testing";
import { openDuckDb, openTable, readRows, regionLayout } from "@facsimile/lake";
import type { S3ObjectStore } from "@facsimile/object-store/s3";
import { offloadUri } from "@facsimile/protocol";
import { loadDefaultRegistry } from "@facsimile/schemas";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { services, uniqueName } from "../helpers.js";
import { kafkaTransport, s3Store, uniqueRegion } from "./ingest-support.js";

const CLI = fileURLToPath(new URL("../../../cli/dist/main.js", import.meta.url));
const KILLS = Number(process.env.FACSIMILE_CRASH_KILLS ?? 20);
const registry = loadDefaultRegistry();

interface Run {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  output: string;
}

describe("two ingest workers on Kafka and an S3 lake, one killed with SIGKILL and restarted", () => {
  const region = uniqueRegion();
  const group = uniqueName("crash-group");
  let transport: Transport;
  let store: S3ObjectStore;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "facsimile-crash-s3-"));
    transport = kafkaTransport();
    store = s3Store();
    await createRegionTopics(transport, region, { partitions: 4 });
  });
  afterAll(async () => {
    await transport.deleteTopics([recordsTopic(region), `facsimile.${region}.dlq`]).catch(() => undefined);
    await transport.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const start = (name: string, extra: readonly string[] = []): Run => {
    const s = services();
    const child = spawn(
      process.execPath,
      [
        CLI,
        "ingest",
        "--region",
        region,
        "--kafka",
        s.kafkaBrokers.join(","),
        "--lake",
        `s3://${s.s3.bucket}/${store.prefix}`,
        "--group",
        group,
        "--session-timeout",
        "6000",
        "--batch-size",
        "40",
        "--threads",
        "1",
        "--log-level",
        "info",
        ...extra,
      ],
      {
        stdio: ["ignore", "pipe", "pipe"],
        env: {
          ...process.env,
          TMPDIR: join(dir, name),
          S3_ENDPOINT: s.s3.endpoint,
          S3_REGION: s.s3.region,
          S3_ACCESS_KEY_ID: s.s3.accessKeyId,
          S3_SECRET_ACCESS_KEY: s.s3.secretAccessKey,
        },
      },
    );
    const run: Run = {
      child,
      output: "",
      exited: new Promise((resolve) => child.once("exit", (code) => resolve(code))),
    };
    const keep = (b: Buffer): void => {
      run.output = (run.output + b.toString()).slice(-40_000);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    return run;
  };

  const kill = async (run: Run): Promise<void> => {
    run.child.kill("SIGKILL");
    await run.exited;
  };

  it(`ends equal to the oracle after ${KILLS} SIGKILLs of one of two workers`, {
    timeout: 300_000,
  }, async () => {
    const seed = Number(process.env.FACSIMILE_CRASH_SEED ?? Date.now() % 100_000);
    const rnd = seededRandom(seed);
    const workload = generateWorkload(registry, store, {
      seed,
      workspaces: 8,
      issuesPerWorkspace: 12,
      pagesPerWorkspace: 2,
      largeShare: 0.2,
    });
    await publishWorkload(transport, store, region, { deliveries: [], offloads: workload.offloads });
    const slices = 30;
    const per = Math.ceil(workload.deliveries.length / slices);
    const stream = (async () => {
      for (let i = 0; i < slices; i++) {
        await publishWorkload(transport, store, region, {
          deliveries: workload.deliveries.slice(i * per, (i + 1) * per),
          offloads: [],
        });
        await new Promise((r) => setTimeout(r, 1_000));
      }
    })();
    let steady = start("a");
    let rejoining = start("b");
    let kills = 0;
    let duringJoin = 0;
    let ofSteady = 0;
    try {
      while (kills < KILLS) {
        // Anywhere from start-up through the group join (the rebalance it triggers) to batches and merges.
        await new Promise((r) => setTimeout(r, 400 + rnd() * 2_600));
        for (const run of [steady, rejoining])
          if (run.child.exitCode !== null)
            throw new Error(`a worker exited early (${run.child.exitCode}), seed ${seed}: ${run.output}`);
        if (kills % 5 === 4) {
          // Now and then the other one: the survivor takes over all partitions and their merges.
          await kill(steady);
          steady = start(`a${kills}`);
          ofSteady++;
        } else {
          if (!rejoining.output.includes("partitions assigned")) duringJoin++;
          await kill(rejoining);
          rejoining = start(`b${kills}`);
        }
        kills++;
      }
      await stream;
    } finally {
      await kill(steady);
      await kill(rejoining);
    }
    const last = start("last", ["--until-idle"]);
    const code = await Promise.race([
      last.exited,
      new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 120_000)),
    ]);
    if (code !== 0) {
      await kill(last);
      throw new Error(`final run did not finish cleanly (${code}), seed ${seed}: ${last.output}`);
    }
    expect(kills).toBe(KILLS);
    expect(ofSteady).toBeGreaterThan(0);
    // Kills that hit a worker before it had been assigned partitions: while the group rebalanced around its join.
    expect(duringJoin, `seed ${seed}`).toBeGreaterThan(0);
    console.log(
      `crash test (Kafka + S3, two workers): seed ${seed}, ${kills} kills, ${duringJoin} during a join, ${ofSteady} of the steady worker`,
    );

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
      expect(check.differences, `seed ${seed}`).toEqual([]);
      const sink = await readRows(openTable(store, regionLayout.sink(region), duck.connection));
      const offsets = new Set(sink.map((r) => `${r.kafka_partition}/${r.kafka_offset}`));
      expect(offsets.size, `seed ${seed}: a Kafka record in the sink twice`).toBe(sink.length);
      expect(sink.length, `seed ${seed}`).toBe(workload.deliveries.length);
    } finally {
      duck.close();
    }
  });
});
