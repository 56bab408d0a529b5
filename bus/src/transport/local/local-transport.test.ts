// LocalTransport against the shared Transport conformance suite, plus what only the file log can show: a torn
// tail left by a crash is cut, locks and partitions of a dead process are taken over, "latest" starts at the end.
import { spawnSync } from "node:child_process";
import { appendFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { describeTransportConformance } from "../../testing/transport-conformance.js";
import type { ConsumedMessage, ConsumeOptions, Transport } from "../types.js";
import { LocalLayout } from "./local-layout.js";
import { createLocalTransport } from "./local-transport.js";

const root = await mkdtemp(join(tmpdir(), "facsimile-local-bus-"));
afterAll(() => rm(root, { recursive: true, force: true }));

const fast = { heartbeatIntervalMs: 50, sessionTimeoutMs: 2_000, pollIntervalMs: 20, fsync: false };

describeTransportConformance(
  "LocalTransport",
  async () => createLocalTransport({ directory: join(root, "conformance"), ...fast }),
  { describe, it, afterAll },
  { timeoutMs: 30_000, waitMs: 10_000 },
);

const encoder = new TextEncoder();
const decoder = new TextDecoder();
let dirs = 0;
const freshDir = () => join(root, `case-${++dirs}`);

async function consumeN(
  t: Transport,
  n: number,
  options: Partial<ConsumeOptions> & { groupId: string; topics: string[] },
) {
  const seen: ConsumedMessage[] = [];
  const c = await t.consume({
    maxWaitMs: 10,
    ...options,
    onBatch: async (b) => void seen.push(...b.messages),
  });
  const deadline = Date.now() + 10_000;
  while (seen.length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 50)); // and nothing more arrives
  await c.stop();
  return seen;
}

/** The pid of a process that has exited (so it is certainly not running). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]);
  return Number(child.stdout.toString());
}

describe("LocalTransport on disk", () => {
  it("cuts a torn tail left by a crashed appender and keeps offsets contiguous", async () => {
    const dir = freshDir();
    const t1 = createLocalTransport({ directory: dir, ...fast });
    await t1.createTopics([{ topic: "torn", partitions: 1 }]);
    await t1.produce(
      "torn",
      ["a", "b", "c"].map((v) => ({ key: "k", value: encoder.encode(v) })),
    );
    await t1.close();
    // Half a frame: a length that promises more bytes than follow, as a crash mid-write leaves it.
    await appendFile(
      new LocalLayout(dir).partitionLog("torn", 0),
      new Uint8Array([0x88, 0x13, 0, 0, ...new Array(300).fill(7)]),
    );

    const t2 = createLocalTransport({ directory: dir, ...fast });
    const [append] = await t2.produce("torn", [{ key: "k", value: encoder.encode("d") }]);
    expect(append?.baseOffset).toBe(3n);
    const seen = await consumeN(t2, 4, { groupId: "g", topics: ["torn"] });
    expect(seen.map((m) => decoder.decode(m.value))).toEqual(["a", "b", "c", "d"]);
    expect(seen.map((m) => m.offset)).toEqual([0n, 1n, 2n, 3n]);
    await t2.close();
  });

  it("breaks the append lock and takes the partitions of a process that died", async () => {
    const dir = freshDir();
    const layout = new LocalLayout(dir);
    const t = createLocalTransport({ directory: dir, ...fast, sessionTimeoutMs: 60_000 });
    await t.createTopics([{ topic: "crash", partitions: 2 }]);
    const pid = deadPid();
    await writeFile(`${layout.partitionLog("crash", 0)}.lock`, String(pid));
    await writeFile(`${layout.partitionLog("crash", 1)}.lock`, String(pid));
    await t.produce("crash", [
      { key: "x", value: encoder.encode("1"), partition: 0 },
      { key: "y", value: encoder.encode("2"), partition: 1 },
    ]);
    // A member of a dead process still "owns" both partitions and has a fresh heartbeat file.
    await mkdir(layout.members("g"), { recursive: true });
    await writeFile(join(layout.members("g"), "ghost.json"), JSON.stringify({ memberId: "ghost", pid }));
    await writeFile(layout.owners("g"), JSON.stringify({ crash: { 0: "ghost", 1: "ghost" } }));
    const seen = await consumeN(t, 2, { groupId: "g", topics: ["crash"] });
    expect(seen.map((m) => decoder.decode(m.value)).sort()).toEqual(["1", "2"]);
    await t.close();
  });

  it("starts at the end for startFrom latest and at the committed offset after that", async () => {
    const dir = freshDir();
    const t = createLocalTransport({ directory: dir, ...fast });
    await t.createTopics([{ topic: "latest", partitions: 1 }]);
    await t.produce("latest", [{ key: "k", value: encoder.encode("old") }]);
    const seen: string[] = [];
    const c = await t.consume({
      groupId: "g",
      topics: ["latest"],
      startFrom: "latest",
      maxWaitMs: 10,
      onBatch: async (b, consumer) => {
        seen.push(...b.messages.map((m) => decoder.decode(m.value)));
        await consumer.commit(b.nextOffsets);
      },
    });
    await t.produce("latest", [{ key: "k", value: encoder.encode("new") }]);
    const deadline = Date.now() + 5_000;
    while (seen.length < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await c.stop();
    expect(seen).toEqual(["new"]);
    expect(await t.committedOffsets("g", "latest")).toEqual([{ topic: "latest", partition: 0, offset: 2n }]);
    await t.close();
  });

  it("stops the consumer and rejects done when onBatch throws, without committing", async () => {
    const dir = freshDir();
    const t = createLocalTransport({ directory: dir, ...fast });
    await t.createTopics([{ topic: "boom", partitions: 1 }]);
    await t.produce("boom", [{ key: "k", value: encoder.encode("x") }]);
    const c = await t.consume({
      groupId: "g",
      topics: ["boom"],
      maxWaitMs: 10,
      onBatch: async () => {
        throw new Error("sink down");
      },
    });
    await expect(c.done).rejects.toThrow("sink down");
    expect(c.assignment()).toEqual([]);
    expect(await t.committedOffsets("g", "boom")).toEqual([]);
    await t.close();
  });
});
