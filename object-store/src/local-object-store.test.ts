// The object store conformance suite on a real local directory, plus what only the local store promises:
// writes never show a partial file, and the reserved directory stays out of the key space.
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { InvalidObjectKeyError } from "./errors.js";
import { LOCAL_RESERVED_DIR, LocalObjectStore } from "./local-object-store.js";
import { openObjectStore } from "./open-object-store.js";
import { describeObjectStoreConformance } from "./testing/object-store-conformance.js";

const roots: string[] = [];
async function freshRoot(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "facsimile-local-store-"));
  roots.push(root);
  return root;
}
afterAll(async () => {
  await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
});

describeObjectStoreConformance("local filesystem", async () => new LocalObjectStore(await freshRoot()), {
  describe,
  it,
});

describe("LocalObjectStore", () => {
  it("stores objects as plain files under the root that other readers can open", async () => {
    const root = await freshRoot();
    const store = new LocalObjectStore(root);
    await store.put("t/_delta_log/00000000000000000000.json", new TextEncoder().encode("{}"));
    expect(await readdir(join(root, "t", "_delta_log"))).toEqual(["00000000000000000000.json"]);
    expect(store.url).toBe(`file://${root}`);
  });

  it("leaves no temp files behind after puts, lost races and copies", async () => {
    const root = await freshRoot();
    const store = new LocalObjectStore(root);
    await store.put("a", new Uint8Array([1]));
    await store.putIfAbsent("b", new Uint8Array([2]));
    await expect(store.putIfAbsent("b", new Uint8Array([3]))).rejects.toThrow(/already exists/);
    expect(await readdir(join(root, LOCAL_RESERVED_DIR, "tmp"))).toEqual([]);
  });

  it("refuses keys inside its reserved directory and never lists it", async () => {
    const store = new LocalObjectStore(await freshRoot());
    await store.put("k", new Uint8Array([1]), { kmsKeyId: "key-1" });
    await expect(store.put(`${LOCAL_RESERVED_DIR}/x`, new Uint8Array())).rejects.toBeInstanceOf(
      InvalidObjectKeyError,
    );
    const keys: string[] = [];
    for await (const info of store.list("")) keys.push(info.key);
    expect(keys).toEqual(["k"]);
  });

  it("is what openObjectStore returns for file URLs and plain paths", async () => {
    const root = await freshRoot();
    const fromUrl = await openObjectStore(`file://${root}`);
    const fromPath = await openObjectStore(root);
    expect(fromUrl).toBeInstanceOf(LocalObjectStore);
    await fromUrl.put("x", new TextEncoder().encode("same place"));
    expect(new TextDecoder().decode(await fromPath.get("x"))).toBe("same place");
    await expect(openObjectStore("gs://bucket/x")).rejects.toThrow(/unsupported object store URL/);
  });
});
