// Embedded BYOK: the local store's envelope encryption under keystore keys. The conformance suite on an
// encrypting store, then what only encryption promises: ciphertext at rest, a key per object, routing, and
// crypto-shredding (a destroyed key makes exactly its objects unreadable).
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { KmsKeyError, KmsKeyUnavailableError, ObjectIntegrityError } from "../errors.js";
import { LocalObjectStore } from "../local-object-store.js";
import { describeObjectStoreConformance } from "../testing/object-store-conformance.js";
import type { KmsKeyRoute } from "../types.js";
import { envelopeKeyId } from "./envelope.js";
import { LocalKeystore } from "./local-keystore.js";

const roots: string[] = [];
async function freshRoot(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "facsimile-envelope-"));
  roots.push(root);
  return root;
}
afterAll(async () => {
  await Promise.all(roots.map((root) => rm(root, { recursive: true, force: true })));
});

async function encryptingStore(keys: readonly string[], route?: KmsKeyRoute): Promise<LocalObjectStore> {
  const store = new LocalObjectStore(await freshRoot(), {
    durable: false,
    ...(route === undefined ? {} : { kmsKeyRoute: route }),
  });
  for (const k of keys) await store.keystore.createKey(k);
  return store;
}

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

describeObjectStoreConformance(
  "local filesystem, encrypting",
  () => encryptingStore(["conformance-key"]),
  { describe, it },
  { unknownKmsKeyId: "no-such-key" },
);

describe("LocalObjectStore envelope encryption", () => {
  it("stores ciphertext under the named key and reads back the plaintext", async () => {
    const store = await encryptingStore(["k-a", "k-b"]);
    await store.put("ws/a.txt", text("alpha secret"), { kmsKeyId: "k-a" });
    await store.putIfAbsent("ws/b.txt", text("beta secret"), { kmsKeyId: "k-b" });
    await store.put("plain.txt", text("platform"));
    const rawA = await readFile(join(store.root, "ws/a.txt"));
    expect(rawA.toString("latin1")).not.toContain("alpha secret");
    expect(envelopeKeyId(rawA, { url: store.url, key: "ws/a.txt" })).toBe("k-a");
    expect(envelopeKeyId(await readFile(join(store.root, "ws/b.txt")), { url: store.url, key: "b" })).toBe(
      "k-b",
    );
    expect(await readFile(join(store.root, "plain.txt"), "utf8")).toBe("platform");
    expect(new TextDecoder().decode(await store.get("ws/a.txt"))).toBe("alpha secret");
    const head = await store.head("ws/a.txt");
    expect(head).toMatchObject({ kmsKeyId: "k-a", size: "alpha secret".length });
    expect((await stat(join(store.root, "ws/a.txt"))).size).toBeGreaterThan("alpha secret".length);
  });

  it("encrypts files as streams, empty ones too", async () => {
    const store = await encryptingStore(["k"]);
    const dir = await freshRoot();
    for (const size of [0, 1, 3 * 1024 * 1024 + 7]) {
      const body = randomBytes(size);
      await writeFile(join(dir, "in"), body);
      const info = await store.putFile(`f/${size}`, join(dir, "in"), { kmsKeyId: "k" });
      expect(info.size).toBe(size);
      expect(envelopeKeyId(await readFile(join(store.root, `f/${size}`)), { url: "", key: "" })).toBe("k");
      await store.getFile(`f/${size}`, join(dir, "out"));
      expect((await readFile(join(dir, "out"))).equals(body)).toBe(true);
      expect(Buffer.from(await store.get(`f/${size}`)).equals(body)).toBe(true);
    }
  });

  it("lets the store's route choose the key over the caller's", async () => {
    const store = await encryptingStore(["k-ws", "k-platform"], (key, requested) =>
      key.startsWith("ws/") ? "k-ws" : (requested ?? "k-platform"),
    );
    await store.put("ws/x", text("x"), { kmsKeyId: "k-platform" });
    await store.put("log/y", text("y"));
    expect((await store.head("ws/x"))?.kmsKeyId).toBe("k-ws");
    expect((await store.head("log/y"))?.kmsKeyId).toBe("k-platform");
  });

  it("refuses a key the keystore does not hold, once a keystore exists", async () => {
    const plain = new LocalObjectStore(await freshRoot(), { durable: false });
    await plain.put("a", text("a"), { kmsKeyId: "recorded-only" });
    expect(await readFile(join(plain.root, "a"), "utf8")).toBe("a");
    const store = await encryptingStore(["k"]);
    await expect(store.put("a", text("a"), { kmsKeyId: "other" })).rejects.toBeInstanceOf(KmsKeyError);
    expect(await store.head("a")).toBeUndefined();
  });

  it("crypto-shreds: a destroyed key makes its objects unreadable and leaves the others readable", async () => {
    const store = await encryptingStore(["k-a", "k-b"]);
    const dir = await freshRoot();
    await store.put("a/1", text("a1"), { kmsKeyId: "k-a" });
    await store.put("b/1", text("b1"), { kmsKeyId: "k-b" });
    await store.keystore.destroyKey("k-a");
    expect(await store.keystore.describeKey("k-a")).toEqual({ keyId: "k-a", state: "Destroyed" });
    expect(await readFile(store.keystore.path, "utf8")).toContain('"Destroyed"');
    await expect(store.get("a/1")).rejects.toBeInstanceOf(KmsKeyUnavailableError);
    await expect(store.getFile("a/1", join(dir, "a1"))).rejects.toBeInstanceOf(KmsKeyUnavailableError);
    await expect(store.put("a/2", text("a2"), { kmsKeyId: "k-a" })).rejects.toBeInstanceOf(
      KmsKeyUnavailableError,
    );
    await expect(store.keystore.createKey("k-a")).rejects.toThrow(/never reused/);
    expect(new TextDecoder().decode(await store.get("b/1"))).toBe("b1");
  });

  it("detects a changed byte", async () => {
    const store = await encryptingStore(["k"]);
    await store.put("x", text("some bytes worth protecting"), { kmsKeyId: "k" });
    const path = join(store.root, "x");
    const raw = await readFile(path);
    raw[raw.length - 20] = (raw[raw.length - 20] as number) ^ 1;
    await writeFile(path, raw);
    await expect(store.get("x")).rejects.toBeInstanceOf(ObjectIntegrityError);
    await expect(store.getFile("x", join(await freshRoot(), "x"))).rejects.toBeInstanceOf(
      ObjectIntegrityError,
    );
  });
});

describe("LocalObjectStore.rekey", () => {
  it("re-encrypts in place under another key, keeps the bytes, and never revives a deleted object", async () => {
    const store = await encryptingStore(["k1", "k2"]);
    await store.put("o", text("same bytes"), { kmsKeyId: "k1", contentType: "application/x-protobuf" });
    const info = await store.rekey("o", "k2");
    expect(info).toMatchObject({ kmsKeyId: "k2", size: "same bytes".length });
    expect(envelopeKeyId(await readFile(join(store.root, "o")), { url: "", key: "" })).toBe("k2");
    expect(new TextDecoder().decode(await store.get("o"))).toBe("same bytes");
    await store.delete("o");
    expect(await store.rekey("o", "k1")).toBeUndefined();
    expect(await store.head("o")).toBeUndefined();
  });
});

describe("LocalKeystore", () => {
  it("loses no key when several keystore handles create keys at once", async () => {
    const path = join(await freshRoot(), "keystore.json");
    const ids = Array.from({ length: 12 }, (_, i) => `k-${i}`);
    await Promise.all(ids.map((id) => new LocalKeystore(path).createKey(id)));
    const keys = await new LocalKeystore(path).listKeys();
    expect(keys.map((k) => k.keyId).sort()).toEqual([...ids].sort());
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });
});
