// Reading sink versions back (the merge stage's slow path): over checkpoints, exactly the records the versions
// in the range appended; after a compaction rewrote files, their rows are not taken for new records. Also the
// sink's per-partition txns: a batch appended twice is appended once.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ConsumedMessage } from "@facsimile/bus";
import {
  commit,
  loadSnapshot,
  type OpenedDuckDb,
  openDuckDb,
  openTable,
  type Table,
  txnVersion,
} from "@facsimile/lake";
import { LocalObjectStore } from "@facsimile/object-store";
import { createRecordDecoder } from "@facsimile/protocol";
import { loadDefaultRegistry } from "@facsimile/schemas";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { classifyMessages } from "../records/classify-messages.js";
import { appendToSink, type SinkCommit } from "../sink/append-to-sink.js";
import { readSinkPositions } from "../sink/read-sink-positions.js";
import { generateWorkload } from "../testing/workload.js";
import { readSinkRange } from "./read-sink-range.js";

const registry = loadDefaultRegistry();
const TOPIC = "facsimile.eu.records";

describe("sink append and read-back", () => {
  let dir: string;
  let duck: OpenedDuckDb;
  let store: LocalObjectStore;
  let sink: Table;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "facsimile-sink-"));
    duck = await openDuckDb({ config: { threads: "1" } });
    store = new LocalObjectStore(join(dir, "lake"), { durable: false });
    sink = openTable(store, "regions/eu/sink/records", duck.connection, {
      scratchDir: join(dir, "scratch"),
      cacheDir: join(dir, "cache"),
      checkpointInterval: 5,
    });
  });
  afterAll(async () => {
    duck.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("reads back exactly the records of a range of versions, across checkpoints and a compaction", async () => {
    const workload = generateWorkload(registry, store, {
      seed: 9,
      workspaces: 2,
      issuesPerWorkspace: 12,
      largeShare: 0,
    });
    const messages: ConsumedMessage[] = workload.deliveries.map((d, i) => ({
      topic: TOPIC,
      partition: i % 3,
      offset: BigInt(Math.floor(i / 3)),
      key: d.workspaceId,
      value: d.bytes,
      headers: {},
      timestamp: 1_767_000_000_000 + i,
    }));
    const plan = await classifyMessages(
      { region: "eu", decoder: createRecordDecoder({ registry, store }), registry, directory: undefined },
      messages,
    );
    expect(plan.accepted).toHaveLength(messages.length);
    const commits: SinkCommit[] = [];
    // Twelve batches, every partition in each: one commit per batch (12), two checkpoints.
    const twelfth = Math.ceil(messages.length / 12);
    for (let b = 0; b < 12; b++) {
      const batch = plan.accepted.slice(b * twelfth, (b + 1) * twelfth);
      const writes = [0, 1, 2].map((p) => {
        const records = batch.filter((r) => r.message.partition === p);
        return {
          topic: TOPIC,
          partition: p,
          lastOffset: records[records.length - 1]?.message.offset ?? 0n,
          records,
        };
      });
      const landed = await appendToSink(sink, writes, Date.now());
      if (landed === undefined) throw new Error("a batch with records made no commit");
      commits.push(landed);
      const after = await loadSnapshot(sink);
      expect(after.version).toBe(landed.version);
      for (const w of writes)
        expect(txnVersion(after, `sink:${TOPIC}:${w.partition}`)).toBe(Number(w.lastOffset));
    }
    expect(commits.every((c) => c.status === "committed")).toBe(true);
    expect(commits.map((c) => c.version)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    const key = (r: { kafkaPartition: number; kafkaOffset: bigint }) =>
      `${r.kafkaPartition}/${r.kafkaOffset}`;
    const expected = (from: number, to: number) =>
      commits
        .filter((c) => c.version > from && c.version <= to)
        .flatMap((c) => c.records.map((r) => `${r.message.partition}/${r.message.offset}`))
        .sort();
    const head = (await loadSnapshot(sink)).version;
    for (const [from, to] of [
      [-1, head],
      [2, 9],
      [4, 5],
      [7, head],
      [head, head],
    ] as const) {
      const range = await readSinkRange(sink, registry, from, to);
      expect(range.records.map(key).sort(), `versions (${from}, ${to}]`).toEqual(expected(from, to));
      expect(range.undecodable).toEqual([]);
    }
    const positions = await readSinkPositions(sink);
    expect(positions.lastOffset({ topic: TOPIC, partition: 1 })).toBe(
      plan.accepted.filter((r) => r.message.partition === 1).at(-1)?.message.offset,
    );

    // A compaction: one file rewritten under a new name (same rows), dataChange=false.
    const before = await loadSnapshot(sink);
    const [path, add] = [...before.files][0] ?? [];
    if (path === undefined || add === undefined) throw new Error("the sink has no files");
    const copy = path.replace(/part-[^/]+$/, "part-compacted.zstd.parquet");
    await store.put(`${sink.path}/${copy}`, await store.get(`${sink.path}/${path}`));
    await commit(sink, before.version, [
      {
        remove: {
          path: add.path,
          deletionTimestamp: Date.now(),
          dataChange: false,
          partitionValues: add.partitionValues,
          size: add.size,
        },
      },
      {
        add: {
          ...add,
          path: add.path.replace(/part-[^/]+$/, "part-compacted.zstd.parquet"),
          dataChange: false,
        },
      },
    ]);
    expect((await readSinkRange(sink, registry, before.version, before.version + 1)).records).toEqual([]);
    const all = await readSinkRange(sink, registry, -1, before.version + 1);
    expect(all.records.map(key).sort()).toEqual(expected(-1, head));
  });

  it("skips the files of versions that hold none of the wanted partitions (their txns did not move)", async () => {
    const workload = generateWorkload(registry, store, {
      seed: 4,
      workspaces: 1,
      issuesPerWorkspace: 3,
      largeShare: 0,
    });
    const above = (await readSinkPositions(sink)).lastOffset({ topic: TOPIC, partition: 1 });
    const messages: ConsumedMessage[] = workload.deliveries.map((d, i) => ({
      topic: TOPIC,
      partition: 1,
      offset: above + 1n + BigInt(i),
      key: d.workspaceId,
      value: d.bytes,
      headers: {},
      timestamp: 1_767_000_000_000 + i,
    }));
    const plan = await classifyMessages(
      { region: "eu", decoder: createRecordDecoder({ registry, store }), registry, directory: undefined },
      messages,
    );
    const records = plan.accepted;
    const landed = await appendToSink(
      sink,
      [{ topic: TOPIC, partition: 1, lastOffset: records.at(-1)?.message.offset ?? above, records }],
      Date.now(),
    );
    const v = landed?.version ?? -1;
    expect(landed?.status).toBe("committed");
    const others = await readSinkRange(sink, registry, v - 1, v, { partitions: [0, 2] });
    expect(others).toEqual({ records: [], undecodable: [], files: 0 });
    const mine = await readSinkRange(sink, registry, v - 1, v, { partitions: [1, 2] });
    expect(mine.files).toBeGreaterThan(0);
    expect(mine.records.map((r) => r.kafkaOffset)).toEqual(records.map((r) => r.message.offset));
  });

  it("appends a replayed batch once: its partitions' txns are already there", async () => {
    const before = await loadSnapshot(sink);
    const positions = await readSinkPositions(sink);
    const last = positions.lastOffset({ topic: TOPIC, partition: 0 });
    const again = await appendToSink(
      sink,
      [{ topic: TOPIC, partition: 0, lastOffset: last, records: [] }],
      Date.now(),
    );
    expect(again?.status).toBe("skipped");
    expect((await loadSnapshot(sink)).version).toBe(before.version);
  });

  it("a batch raced by another owner of one partition: one commit of the other partitions, that one left out", async () => {
    const positions = await readSinkPositions(sink);
    const at = (partition: number) => positions.lastOffset({ topic: TOPIC, partition });
    const bump = (partition: number) => ({
      topic: TOPIC,
      partition,
      lastOffset: at(partition) + 5n,
      records: [],
    });
    // The other owner appends partition 1 after our positions were read.
    const rival = await appendToSink(sink, [bump(1)], Date.now());
    expect(rival?.status).toBe("committed");
    const ours = await appendToSink(sink, [bump(0), bump(1), bump(2)], Date.now());
    expect(ours).toMatchObject({ status: "committed", conflicts: 1, version: (rival?.version ?? 0) + 1 });
    expect(ours?.partitions.map((w) => w.partition)).toEqual([0, 2]);
    const after = await loadSnapshot(sink);
    expect([0, 1, 2].map((p) => txnVersion(after, `sink:${TOPIC}:${p}`))).toEqual(
      [0, 1, 2].map((p) => Number(at(p) + 5n)),
    );
  });
});
