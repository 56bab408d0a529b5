import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalObjectStore } from "@facsimile/object-store";
import { fetchVerifiedOffload, offloadKey, offloadUri, sha256Hex } from "@facsimile/protocol";
import { afterAll, describe, expect, it } from "vitest";
import { copyOffloads } from "./copy-offloads.js";

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe("copyOffloads", () => {
  it("copies W's offloads into the new region once, and a pointer at the old region resolves there after the delete", async () => {
    const dir = await mkdtemp(join(tmpdir(), "facsimile-offloads-"));
    dirs.push(dir);
    const store = new LocalObjectStore(join(dir, "lake"), { durable: false });
    const bytes = new TextEncoder().encode("a large payload of W");
    const sha256 = sha256Hex(bytes);
    const key = offloadKey("root/regions/eu/offload", "ws-1", sha256);
    await store.put(key, bytes);
    await store.put(offloadKey("root/regions/eu/offload", "ws-2", sha256), bytes);

    expect(await copyOffloads(store, "root", "ws-1", "eu", "us")).toEqual({
      objects: 1,
      bytes: bytes.length,
      skipped: 0,
    });
    expect(await copyOffloads(store, "root", "ws-1", "eu", "us")).toEqual({
      objects: 0,
      bytes: 0,
      skipped: 1,
    });
    // Another workspace's objects stay where they are.
    const us: string[] = [];
    for await (const o of store.list("root/regions/us/offload/")) us.push(o.key);
    expect(us).toEqual([offloadKey("root/regions/us/offload", "ws-1", sha256)]);

    await store.delete(key);
    const pointer = { uri: offloadUri(store, key), sha256, sizeBytes: bytes.length, typeUrl: "t" };
    await expect(fetchVerifiedOffload(store, pointer, { budgetMs: 0 })).rejects.toMatchObject({
      code: "OFFLOAD_UNRESOLVABLE",
    });
    const toUs = (k: string) => k.replace("/regions/eu/", "/regions/us/");
    expect(await fetchVerifiedOffload(store, pointer, { budgetMs: 0 }, toUs)).toEqual(bytes);
    // A relocated object is checked like the original: the wrong bytes are an integrity error, not a payload.
    await store.put(toUs(key), new TextEncoder().encode("something else"));
    await expect(fetchVerifiedOffload(store, pointer, { budgetMs: 0 }, toUs)).rejects.toMatchObject({
      code: "OFFLOAD_INTEGRITY",
    });
  });
});
