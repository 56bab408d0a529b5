// `facsimile control erase --resource` end to end on the embedded layout (<data>/bus, <data>/lake, the directory's
// file log), with no ingest worker running: the command runs the pending merge itself (a merge-only worker) instead
// of leaving old sink files "NOT clean: run again". Afterwards a scan of every object of the lake (every file of
// every version, the sink, the offloads) finds none of the resource's values, its offloaded payloads are deleted
// (and only its own), so are its dead letters' bytes, and every other resource of the workspace and every other workspace is untouched.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createLocalTransport, createRegionTopics, recordsTopic } from "@facsimile/bus";
import { bootstrapDirectory, createDirectoryView, createFileDirectoryLog } from "@facsimile/control-plane";
import { scanObjects } from "@facsimile/control-plane/testing";
import { createIngestWorker } from "@facsimile/ingest";
import {
  generateWorkload,
  lwwOracle,
  projectRecord,
  publishWorkload,
  untilCaughtUp,
  verifyTables,
} from "@facsimile/ingest/testing";
import { openDuckDb, openTable, readRows, regionLayout } from "@facsimile/lake";
import { LocalObjectStore } from "@facsimile/object-store";
import { decodeRecord, encodeRecord } from "@facsimile/protocol";
import { loadDefaultRegistry } from "@facsimile/schemas";
import { compileModels } from "@facsimile/transforms";
import { afterAll, describe, expect, it } from "vitest";

const CLI = fileURLToPath(new URL("../../../cli/dist/main.js", import.meta.url));
const registry = loadDefaultRegistry();
const W = "ws-1";
const R = `ari:cloud:confluence:${W}:page/0`;

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

function run(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.on("data", (b: Buffer) => {
    out += b.toString();
  });
  child.stderr.on("data", (b: Buffer) => {
    err += b.toString();
  });
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, out, err })));
}

describe("facsimile control erase --resource, with no merging worker (embedded)", () => {
  it("erases one resource's rows, history and offloads and completes the merge itself", {
    timeout: 120_000,
  }, async () => {
    const dir = await mkdtemp(join(tmpdir(), "facsimile-erase-resource-"));
    dirs.push(dir);
    const transport = createLocalTransport({ directory: join(dir, "bus"), fsync: false });
    const store = new LocalObjectStore(join(dir, "lake"), { durable: false });
    await createRegionTopics(transport, "eu", { partitions: 2 });
    const view = createDirectoryView(createFileDirectoryLog(join(dir, "directory.log")));
    await bootstrapDirectory(
      view,
      ["ws-0", W].map((id) => ({
        workspaceId: id,
        realm: "global",
        regions: ["eu"],
        state: "ONLINE" as const,
        deletionGeneration: "0",
        keyId: undefined,
        erasedResources: [],
      })),
    );
    const workload = generateWorkload(registry, store, {
      seed: 4,
      workspaces: 2,
      issuesPerWorkspace: 3,
      pagesPerWorkspace: 3,
      largeShare: 1,
      largeBytes: 70 * 1024,
      generationShare: 0,
      tombstoneShare: 0,
      offloadPrefix: regionLayout.offload("eu"),
    });
    await publishWorkload(transport, store, "eu", workload);
    // Two dead letters of W (an entity with every required field missing): one names R, one another resource.
    const poison = (resourceAri: string) => ({
      key: W,
      value: encodeRecord({
        ...projectRecord(registry, W, "p", {
          case: "entity",
          value: { typeUrl: registry.entity("JiraProject").typeUrl, value: new Uint8Array(0) },
        }),
        resourceAri,
      }),
    });
    await transport.produce(recordsTopic("eu"), [poison(R), poison(`ari:cloud:jira:${W}:project/kept`)]);
    const { models } = await compileModels(registry);
    const worker = createIngestWorker({
      region: "eu",
      transport,
      store,
      registry,
      models,
      directory: view,
      options: {
        maxBatchSize: 40,
        maxWaitMs: 20,
        mergePollMs: 100,
        idleAdvanceVersions: 1,
        deadLetterPayloads: "store",
      },
    });
    await worker.start();
    await untilCaughtUp(worker);
    await worker.stop();
    await transport.close();
    view.stop();

    const mine = /ws-1\/0\/\d+:/;
    const sibling = /ws-1\/1\/\d+:/;
    const duck = await openDuckDb();
    try {
      expect((await scanObjects(store, "", [mine], duck.connection)).hits.length).toBeGreaterThan(0);
      const offloadsOf = async (ws: string): Promise<number> => {
        let n = 0;
        for await (const _ of store.list(`${regionLayout.offload("eu")}/${ws}/`)) n++;
        return n;
      };
      const [wBefore, othersBefore] = [await offloadsOf(W), await offloadsOf("ws-0")];
      const deadLetters = async (): Promise<string[]> => {
        const aris: string[] = [];
        for await (const o of store.list(`${regionLayout.deadLetters("eu")}/${W}/`))
          aris.push(decodeRecord(await store.get(o.key)).resourceAri);
        return aris.sort();
      };
      expect(await deadLetters()).toEqual([`ari:cloud:jira:${W}:project/kept`, R].sort());
      const rOffloads = new Set(
        workload.records
          .filter((r) => r.record.resourceAri === R && r.record.payload.case === "offloadPointer")
          .map((r) => (r.record.payload.value as { sha256: string }).sha256),
      ).size;
      expect(rOffloads).toBeGreaterThan(0);

      // No ingest worker runs now: the command must merge the rewrite itself to delete the old sink files.
      const erased = await run([
        "control",
        "erase",
        "--data",
        dir,
        "--workspace",
        W,
        "--resource",
        R,
        "--merge-wait",
        "300",
        "--json",
      ]);
      expect(erased.code, erased.err).toBe(0);
      expect(erased.err).toMatch(/running the merge here/);
      const receipt = JSON.parse(erased.out) as {
        verification: { clean: boolean };
        offloadObjectsDeleted: number;
        rowsRemoved: number;
      };
      expect(receipt.verification.clean).toBe(true);
      expect(receipt.rowsRemoved).toBeGreaterThan(0);
      // R's offloaded payloads and its dead letter's bytes; W's other dead letter stays.
      expect(receipt.offloadObjectsDeleted).toBe(rOffloads + 1);
      expect(await deadLetters()).toEqual([`ari:cloud:jira:${W}:project/kept`]);
      expect(await offloadsOf(W)).toBe(wBefore - rOffloads);
      expect(await offloadsOf("ws-0")).toBe(othersBefore);

      const after = await scanObjects(store, "", [mine, sibling], duck.connection);
      expect(after.hits.filter((h) => h.pattern === mine.source)).toEqual([]);
      expect(after.hits.some((h) => h.pattern === sibling.source)).toBe(true);
      const pages = await readRows(
        openTable(store, regionLayout.table("eu", "confluence_page"), duck.connection),
      );
      expect(pages.filter((p) => p.envelope_fields_resource_ari_value === R)).toEqual([]);
      // Everything else is exactly the oracle.
      const others = (r: { record: { resourceAri: string } }) => r.record.resourceAri !== R;
      const check = await verifyTables({
        store,
        region: "eu",
        connection: duck.connection,
        registry,
        winners: lwwOracle(workload.records, others),
        delivered: workload.deliveries.filter(others),
      });
      expect(check.differences).toEqual([]);
    } finally {
      duck.close();
    }
  });
});
