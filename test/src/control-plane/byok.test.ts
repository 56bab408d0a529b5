// BYOK on a KMS with several keys (moto's S3 + KMS) and on the embedded store (envelope encryption under a local
// keystore): every object of two workspaces (partition files, old ones kept after a fold, offloads) is under its
// workspace's own key, every log object under the platform key, also after `facsimile restore` and `facsimile
// maintain optimize` (run in-process: the lake opened with the CLI's own key routing); rotate-key moves one
// workspace to a new key and nothing else; shred-key destroys it and the other workspace reads on.
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "@facsimile/cli";
import {
  bootstrapDirectory,
  copyWorkspace,
  createDirectoryView,
  createFileDirectoryLog,
  type DirectoryView,
  listWorkspaceObjects,
  parseStaticDirectory,
  planKeyRotation,
  planKeyShred,
  rotateWorkspaceKey,
  shredWorkspaceKey,
  updateWorkspace,
} from "@facsimile/control-plane";
import {
  loadSnapshot,
  mergeBatch,
  openDuckDb,
  openTable,
  readRows,
  regionLayout,
  type Table,
} from "@facsimile/lake";
import { envelopeKeyId, KmsKeyUnavailableError, LocalObjectStore } from "@facsimile/object-store";
import { offloadKey, sha256Hex } from "@facsimile/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type KeyBackend, type KeyBackendKind, keyBackend, stopMotoIfStarted } from "./byok-support.js";

afterAll(() => stopMotoIfStarted());

const MERGE = {
  kind: "merge",
  primaryKey: ["id"],
  partitionColumns: ["workspace_id"],
  foldFilesAbove: 2,
} as const;

function batch(version: number): string {
  return (
    `SELECT ws AS workspace_id, id, 'v${version}-' || ws || id AS val, 'r' || id AS resource_ari, ` +
    `0::BIGINT AS generation, 0::BIGINT AS _generation, ` +
    `${version}::BIGINT AS _version, false AS _is_tombstone, 'h' AS _payload_hash ` +
    `FROM (VALUES ('ws-a'), ('ws-b')) w(ws), range(${version}) r(id)`
  );
}

describe.each<KeyBackendKind>(["embedded", "moto"])("BYOK per workspace: %s", (kind) => {
  let backend: KeyBackend;
  let view: DirectoryView;
  let duck: Awaited<ReturnType<typeof openDuckDb>>;
  let table: Table;
  const keys: Record<string, string> = {};

  /** Every object of `ws` and the key id each is under. */
  async function keysOf(ws: string): Promise<string[]> {
    return (await listWorkspaceObjects(backend.store, ws)).map((o) => o.kmsKeyId ?? "(none)");
  }

  // On a cold machine the moto backend installs moto from PyPI first (about a minute here): a longer timeout.
  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), "facsimile-byok-"));
    view = createDirectoryView(createFileDirectoryLog(join(dir, "directory.log")));
    backend = await keyBackend(kind, view, dir);
    for (const k of ["a", "b", "a2", "platform"]) keys[k] = await backend.createKey(`k-${k}`);
    backend.setPlatformKey(keys.platform as string);
    await bootstrapDirectory(
      view,
      parseStaticDirectory(
        JSON.stringify({
          workspaces: {
            "ws-a": { region: "eu", kmsKeyId: keys.a },
            "ws-b": { region: "eu", kmsKeyId: keys.b },
          },
        }),
      ),
    );
    duck = await openDuckDb({ config: { threads: "2" } });
    table = openTable(backend.store, regionLayout.table("eu", "items"), duck.connection, {
      scratchDir: join(backend.dir, "scratch"),
      cacheDir: join(backend.dir, "cache"),
    });
    // Three merges: the third folds each partition's two small files into one (the old ones stay for time travel).
    for (const v of [1, 2, 3]) await mergeBatch(table, MERGE, { sql: batch(v) }, { appId: "t", version: v });
    for (const ws of ["ws-a", "ws-b"]) {
      const payload = new TextEncoder().encode(`offloaded payload of ${ws}`);
      await backend.store.putIfAbsent(
        offloadKey(regionLayout.offload("eu"), ws, sha256Hex(payload)),
        payload,
      );
      // A migration's copy into another region writes through the same store.
      const copyDeps = {
        store: backend.store,
        lakeRoot: "",
        duckdb: duck.connection,
        writers: [{ table: "items", writer: MERGE }],
      };
      expect(await copyWorkspace(copyDeps, `job-${ws}`, ws, "eu", "us")).toBe(3);
    }
  }, 300_000);
  afterAll(async () => {
    duck?.close();
    await backend?.close();
  });

  it("puts every object of a workspace under its own key, after a fold and a migration copy too, and logs under the platform key", async () => {
    const live = [...(await loadSnapshot(table)).files.values()];
    expect(live.filter((a) => a.partitionValues.workspace_id === "ws-a")).toHaveLength(1);
    const objectsA = await listWorkspaceObjects(backend.store, "ws-a");
    // 3 data files written in eu (2 folded away, still stored) + 1 copied to us + 1 offload.
    expect(objectsA.length).toBe(5);
    expect(objectsA.filter((o) => o.key.startsWith(`${regionLayout.table("us", "items")}/`))).toHaveLength(1);
    expect(await keysOf("ws-a")).toEqual(objectsA.map(() => keys.a));
    expect(await keysOf("ws-b")).toEqual(objectsA.map(() => keys.b));
    const logKeys: (string | undefined)[] = [];
    for (const region of ["eu", "us"])
      for await (const o of backend.store.list(`${regionLayout.table(region, "items")}/_delta_log/`))
        logKeys.push((await backend.store.head(o.key))?.kmsKeyId);
    expect(logKeys.length).toBeGreaterThanOrEqual(6);
    expect(new Set(logKeys)).toEqual(new Set([keys.platform]));
    if (backend.store instanceof LocalObjectStore) {
      const raw = await readFile(join(backend.store.root, objectsA[0]?.key as string));
      expect(envelopeKeyId(raw, { url: "", key: "" })).toBe(keys.a);
    }
    const rows = await readRows(table, { orderBy: "workspace_id, id" });
    expect(rows.map((r) => r.val)).toEqual([
      "v3-ws-a0",
      "v3-ws-a1",
      "v3-ws-a2",
      "v3-ws-b0",
      "v3-ws-b1",
      "v3-ws-b2",
    ]);
  });

  it("keeps every object under its workspace's key after the CLI's restore to an older version and optimize", async () => {
    const cli = async (...args: string[]) => {
      let out = "";
      const exit = await runCli(
        [...args, "--region", "eu", "--table", "items", "--lake", backend.store.url, "--data", backend.dir],
        {
          cwd: backend.dir,
          env: { ...backend.env, FACSIMILE_PLATFORM_KEY_ID: keys.platform as string },
          stdout: (t) => {
            out += t;
          },
          stderr: (t) => {
            out += t;
          },
        },
      );
      return { exit, out };
    };
    const filesOf = async (ws: string, version?: number) =>
      [...(await loadSnapshot(table, version === undefined ? {} : { version })).files.values()].filter(
        (a) => a.partitionValues.workspace_id === ws,
      );
    // Resource r0 of ws-a is erased, then the table goes back to version 2 (the second merge's rows): ws-a's file
    // comes back rewritten without r0, ws-b's as it was. Then one insert-only merge: two small files a partition.
    await updateWorkspace(view, "ws-a", "erase-resource", { actor: "test", reason: "GDPR" }, (c) =>
      c === undefined ? undefined : { ...c, erasedResources: [{ resourceAri: "r0", generation: "1" }] },
    );
    const restore = await cli("restore", "--version", "2");
    expect(restore, restore.out).toMatchObject({ exit: 0 });
    expect(restore.out).toMatch(/1 erased rows left out \(1 files rewritten\)/);
    const vals = async () => (await readRows(table, { orderBy: "workspace_id, id" })).map((r) => r.val);
    expect(await vals()).toEqual(["v2-ws-a1", "v2-ws-b0", "v2-ws-b1"]);
    const insert =
      "SELECT ws AS workspace_id, 3::BIGINT AS id, 'new-' || ws AS val, 'r3' AS resource_ari, " +
      "0::BIGINT AS generation, 0::BIGINT AS _generation, " +
      "1::BIGINT AS _version, false AS _is_tombstone, 'h' AS _payload_hash FROM (VALUES ('ws-a'), ('ws-b')) w(ws)";
    await mergeBatch(
      table,
      { ...MERGE, foldFilesAbove: 10 },
      { sql: insert },
      { appId: "insert", version: 1 },
    );
    expect(await filesOf("ws-a")).toHaveLength(2);
    expect(await filesOf("ws-b")).toHaveLength(2);
    const optimize = await cli("maintain", "--nice", "0", "optimize");
    expect(optimize, optimize.out).toMatchObject({ exit: 0 });
    expect(optimize.out).toMatch(/done eu\/items: .*"filesRemoved":4,"filesAdded":2/);
    const [folded] = await filesOf("ws-a");
    expect(await filesOf("ws-a")).toHaveLength(1);
    expect(await vals()).toEqual(["v2-ws-a1", "new-ws-a", "v2-ws-b0", "v2-ws-b1", "new-ws-b"]);
    // New objects (ws-a: the restore's rewrite; both: the insert's and the fold's), each under its workspace's
    // key; the log under the platform key.
    const objectsA = await listWorkspaceObjects(backend.store, "ws-a");
    expect(objectsA.map((o) => o.key)).toContain(`${regionLayout.table("eu", "items")}/${folded?.path}`);
    expect(await keysOf("ws-a")).toEqual(Array.from({ length: 8 }, () => keys.a));
    expect(await keysOf("ws-b")).toEqual(Array.from({ length: 7 }, () => keys.b));
    const logKeys = new Set<string | undefined>();
    for await (const o of backend.store.list(`${regionLayout.table("eu", "items")}/_delta_log/`))
      logKeys.add((await backend.store.head(o.key))?.kmsKeyId);
    expect(logKeys).toEqual(new Set([keys.platform]));
  });

  it("rotate-key re-encrypts one workspace's objects under the new key and leaves the other's alone", async () => {
    const deps = { view, store: backend.store, keys: backend.keys };
    const plan = await planKeyRotation(deps, "ws-a", keys.a2 as string);
    expect(plan).toMatchObject({ from: keys.a, to: keys.a2, objects: 8 });
    expect(plan.toReencrypt).toHaveLength(8);
    const result = await rotateWorkspaceKey(deps, plan, { settleMs: 0 });
    expect(result).toMatchObject({ reencrypted: 8, objectsAfter: 8, rounds: 1 });
    await mergeBatch(table, MERGE, { sql: batch(4) }, { appId: "t", version: 4 });
    const after = await keysOf("ws-a");
    expect(after.length).toBe(9);
    expect(new Set(after)).toEqual(new Set([keys.a2]));
    expect(new Set(await keysOf("ws-b"))).toEqual(new Set([keys.b]));
    expect((await readRows(table, { orderBy: "workspace_id, id" })).map((r) => r.val)).toContain("v4-ws-a3");
    const { events } = await view.log.read(0n);
    expect(events.filter((e) => e.workspaceId === "ws-a").map((e) => e.action)).toEqual([
      "register",
      "erase-resource",
      "rotate-key",
      "rotate-key-done",
    ]);
    expect(view.get("ws-a")?.keyId).toBe(keys.a2);
  });

  it("shred-key refuses a shared key, then destroys one workspace's key while the other reads on", async () => {
    await bootstrapDirectory(
      view,
      parseStaticDirectory(JSON.stringify({ workspaces: { "ws-c": { region: "eu", kmsKeyId: keys.b } } })),
    );
    const deps = {
      view,
      store: backend.store,
      keys: backend.keys,
      duckdb: duck.connection,
      cacheDirs: [join(backend.dir, "cache")],
    };
    await expect(planKeyShred(deps, "ws-b")).rejects.toMatchObject({ code: "KEY_SHRED_REFUSED" });
    const plan = await planKeyShred(deps, "ws-a");
    expect(plan).toMatchObject({ keyId: keys.a2, objects: 9, keyState: "Enabled" });
    const result = await shredWorkspaceKey(deps, plan, { settleMs: 0 });
    expect(view.get("ws-a")?.state).toBe("ERASED");
    expect(result.key.state).toBe(kind === "embedded" ? "Destroyed" : "PendingDeletion");
    expect((await backend.keys.describeKey(keys.b as string))?.state).toBe("Enabled");
    expect((await backend.keys.describeKey(keys.a as string))?.state).toBe("Enabled");
    // ws-b's partition reads on, through the same table.
    const snapshot = await loadSnapshot(table);
    const onlyB = {
      ...snapshot,
      files: new Map([...snapshot.files].filter(([, a]) => a.partitionValues.workspace_id === "ws-b")),
    };
    expect((await readRows(table, { snapshot: onlyB, orderBy: "id" })).map((r) => r.val)).toEqual([
      "v4-ws-b0",
      "v4-ws-b1",
      "v4-ws-b2",
      "v4-ws-b3",
    ]);
    if (kind === "embedded") {
      // Real unreadability: the data keys cannot be unwrapped any more, cached plaintext copies are gone.
      for (const o of plan.objectKeys)
        await expect(backend.store.get(o)).rejects.toBeInstanceOf(KmsKeyUnavailableError);
      await expect(readRows(table)).rejects.toBeInstanceOf(KmsKeyUnavailableError);
    } else {
      // moto keeps serving the bytes of objects under a destroyed key (it does not encrypt at rest): what it can
      // show is that every object of ws-a is under the key now pending deletion, none under another.
      expect(new Set(await keysOf("ws-a"))).toEqual(new Set([keys.a2]));
    }
  });
});
