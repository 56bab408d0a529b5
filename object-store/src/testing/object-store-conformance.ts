// The one conformance suite every ObjectStore implementation must pass (local disk in unit tests, real S3 in
// integration tests). The test runner is passed in, and assertions use node:assert, so importing this module
// never loads a test framework. It must never mock the store: it drives the implementation it is given.
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InvalidObjectKeyError, KmsKeyError, ObjectExistsError, ObjectNotFoundError } from "../errors.js";
import type { ObjectInfo, ObjectStore } from "../types.js";

/** The part of a test runner the suite needs (vitest's describe/it fit). */
export interface ConformanceRunner {
  describe(name: string, body: () => void): void;
  it(name: string, body: () => Promise<void>, timeoutMs?: number): void;
}

export interface ObjectStoreConformanceOptions {
  /** A KMS key id the store accepts; head() must report it for objects put with it. */
  readonly kmsKeyId: string;
  /** A key id the store must refuse with KmsKeyError; omit for stores that only record key ids. */
  readonly unknownKmsKeyId: string | undefined;
  /** Size of the "large" body and file: above the S3 store's multipart threshold. */
  readonly largeBytes: number;
  /** Concurrent putIfAbsent racers on one key. */
  readonly racers: number;
  readonly timeoutMs: number;
}

export const OBJECT_STORE_CONFORMANCE_DEFAULTS: Readonly<ObjectStoreConformanceOptions> = Object.freeze({
  kmsKeyId: "conformance-key",
  unknownKmsKeyId: undefined,
  largeBytes: 20 * 1024 * 1024,
  racers: 8,
  timeoutMs: 60_000,
});

/** A fresh, empty store per test (for S3: a store on a new random prefix). */
export type MakeObjectStore = () => Promise<ObjectStore>;

export function describeObjectStoreConformance(
  name: string,
  makeStore: MakeObjectStore,
  runner: ConformanceRunner,
  options: Partial<ObjectStoreConformanceOptions> = {},
): void {
  const o = { ...OBJECT_STORE_CONFORMANCE_DEFAULTS, ...options };
  const test = (title: string, body: (store: ObjectStore) => Promise<void>): void =>
    runner.it(
      title,
      async () => {
        const store = await makeStore();
        try {
          await body(store);
        } finally {
          await store.close();
        }
      },
      o.timeoutMs,
    );

  runner.describe(`ObjectStore conformance: ${name}`, () => {
    test("get returns exactly what put stored: every byte value, and an empty body", async (store) => {
      const binary = Uint8Array.from({ length: 512 }, (_, i) => i % 256);
      const info = await store.put("dir/binary.bin", binary);
      assert.equal(info.key, "dir/binary.bin");
      assert.equal(info.size, 512);
      assert.deepEqual(await store.get("dir/binary.bin"), binary);
      await store.put("empty", new Uint8Array());
      assert.equal((await store.get("empty")).byteLength, 0);
      assert.equal((await store.head("empty"))?.size, 0);
    });

    test("put overwrites", async (store) => {
      await store.put("k", bytes("first"));
      await store.put("k", bytes("second, longer"));
      assert.equal(text(await store.get("k")), "second, longer");
    });

    test("a large body (multipart on S3) round-trips, and putIfAbsent of it is conditional too", async (store) => {
      const body = randomBytes(o.largeBytes);
      await store.put("large/put.bin", body);
      assert.equal(sha256(await store.get("large/put.bin")), sha256(body));
      await store.putIfAbsent("large/once.bin", body);
      const second = randomBytes(o.largeBytes);
      await assert.rejects(store.putIfAbsent("large/once.bin", second), ObjectExistsError);
      assert.equal(sha256(await store.get("large/once.bin")), sha256(body));
    });

    test("putIfAbsent creates once, then throws ObjectExistsError and keeps the first body", async (store) => {
      const created = await store.putIfAbsent("_delta_log/00000000000000000000.json", bytes("first"));
      assert.equal(created.size, 5);
      const err = await store.putIfAbsent("_delta_log/00000000000000000000.json", bytes("second")).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(err instanceof ObjectExistsError, `expected ObjectExistsError, got ${String(err)}`);
      assert.equal(err.code, "OBJECT_EXISTS");
      assert.equal(err.retriable, false);
      assert.equal(text(await store.get("_delta_log/00000000000000000000.json")), "first");
    });

    test("concurrent putIfAbsent of one key: exactly one winner, whose body is stored", async (store) => {
      const key = "_delta_log/00000000000000000001.json";
      const bodies = Array.from({ length: o.racers }, (_, i) => bytes(`writer ${i} ${"x".repeat(i * 1000)}`));
      const results = await Promise.allSettled(bodies.map((body) => store.putIfAbsent(key, body)));
      const winners = results.flatMap((r, i) => (r.status === "fulfilled" ? [i] : []));
      assert.equal(winners.length, 1, `winners: ${JSON.stringify(winners)}`);
      for (const r of results) {
        if (r.status === "rejected") assert.ok(r.reason instanceof ObjectExistsError, String(r.reason));
      }
      const winner = bodies[winners[0] ?? -1];
      assert.ok(winner !== undefined);
      assert.deepEqual(await store.get(key), winner);
    });

    test("head: undefined when absent; size and modification time when present", async (store) => {
      assert.equal(await store.head("nothing/here"), undefined);
      await store.put("nothing/x", bytes("x"));
      assert.equal(await store.head("nothing"), undefined, "a key's parent 'directory' is not an object");
      const info = await store.head("nothing/x");
      assert.ok(info !== undefined);
      assert.equal(info.key, "nothing/x");
      assert.equal(info.size, 1);
      assert.ok(Math.abs(info.lastModified - Date.now()) < 10 * 60_000, `lastModified ${info.lastModified}`);
    });

    test("list: sorted by key bytes, filtered by prefix, resumable with startAfter", async (store) => {
      // No key is also the "directory" of another: a local filesystem cannot hold both "a/b" and "a/b/c".
      const keys = [
        "b",
        "a/b/c",
        "a0",
        "a-c",
        "a/bb",
        "a/a",
        "a/bz/d",
        "t/_delta_log/00000000000000000002.json",
      ];
      for (const key of [...keys].reverse()) await store.put(key, bytes(key));
      const sorted = [
        "a-c",
        "a/a",
        "a/b/c",
        "a/bb",
        "a/bz/d",
        "a0",
        "b",
        "t/_delta_log/00000000000000000002.json",
      ];
      assert.deepEqual(await listKeys(store, ""), sorted);
      assert.deepEqual(await listKeys(store, "a/"), ["a/a", "a/b/c", "a/bb", "a/bz/d"]);
      assert.deepEqual(await listKeys(store, "a/b"), ["a/b/c", "a/bb", "a/bz/d"]);
      assert.deepEqual(await listKeys(store, "a/", { startAfter: "a/b/c" }), ["a/bb", "a/bz/d"]);
      assert.deepEqual(await listKeys(store, "", { startAfter: "a0" }), sorted.slice(6));
      assert.deepEqual(await listKeys(store, "zz"), []);
      const infos = await collect(store.list("t/"));
      assert.equal(infos[0]?.size, "t/_delta_log/00000000000000000002.json".length);
    });

    test("list with delimiter '/' returns only the files directly under the prefix", async (store) => {
      for (const key of ["d/1", "d/2", "d/sub/3", "d/sub/deeper/4", "d2/5", "d/3x"])
        await store.put(key, bytes(key));
      assert.deepEqual(await listKeys(store, "d/", { delimiter: "/" }), ["d/1", "d/2", "d/3x"]);
      assert.deepEqual(await listKeys(store, "d/sub/", { delimiter: "/" }), ["d/sub/3"]);
      assert.deepEqual(await listKeys(store, "", { delimiter: "/" }), []);
      assert.deepEqual(await listKeys(store, "d/", { delimiter: "/", startAfter: "d/1" }), ["d/2", "d/3x"]);
    });

    test("delete removes the object and is idempotent", async (store) => {
      await store.put("gone/a", bytes("a"));
      await store.put("gone/b", bytes("b"));
      await store.delete("gone/a");
      assert.equal(await store.head("gone/a"), undefined);
      await assert.rejects(store.get("gone/a"), ObjectNotFoundError);
      await store.delete("gone/a");
      await store.delete("never/existed");
      assert.deepEqual(await listKeys(store, "gone/"), ["gone/b"]);
      await store.putIfAbsent("gone/a", bytes("again"));
      assert.equal(text(await store.get("gone/a")), "again");
    });

    test("get and getFile of a missing key throw ObjectNotFoundError", async (store) => {
      const err = await store.get("missing/key").then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(err instanceof ObjectNotFoundError, String(err));
      assert.equal(err.code, "OBJECT_NOT_FOUND");
      assert.equal(err.retriable, false);
      assert.equal(err.context.key, "missing/key");
      await withTempDir(async (dir) => {
        await assert.rejects(store.getFile("missing/key", join(dir, "out.bin")), ObjectNotFoundError);
        assert.deepEqual(await readdir(dir), [], "no partial download is left behind");
      });
    });

    test("keys that escape the root or are malformed are refused", async (store) => {
      for (const key of ["", "/abs", "a//b", "../up", "a/../b", "a/./b", "trailing/"]) {
        await assert.rejects(store.put(key, bytes("x")), InvalidObjectKeyError, `key ${JSON.stringify(key)}`);
      }
      await assert.rejects(store.get("../up"), InvalidObjectKeyError);
    });

    test("a KMS key id given on put is reported by head", async (store) => {
      const put = await store.put("kms/put.bin", bytes("secret"), { kmsKeyId: o.kmsKeyId });
      assert.equal(put.kmsKeyId, o.kmsKeyId);
      assert.equal((await store.head("kms/put.bin"))?.kmsKeyId, o.kmsKeyId);
      await store.putIfAbsent("kms/once.bin", bytes("secret"), { kmsKeyId: o.kmsKeyId });
      assert.equal((await store.head("kms/once.bin"))?.kmsKeyId, o.kmsKeyId);
      assert.equal(text(await store.get("kms/once.bin")), "secret");
      await store.put("kms/put.bin", bytes("plain now"));
      assert.equal(
        (await store.head("kms/put.bin"))?.kmsKeyId,
        undefined,
        "an overwrite without a key drops it",
      );
    });

    test("rekey puts an object under a KMS key in place, and never revives an absent one", async (store) => {
      if (store.rekey === undefined) return;
      await store.put("kms/rekey.bin", bytes("kept bytes"));
      const info = await store.rekey("kms/rekey.bin", o.kmsKeyId);
      assert.equal(info?.kmsKeyId, o.kmsKeyId);
      assert.equal((await store.head("kms/rekey.bin"))?.kmsKeyId, o.kmsKeyId);
      assert.equal(text(await store.get("kms/rekey.bin")), "kept bytes");
      assert.equal(await store.rekey("kms/absent.bin", o.kmsKeyId), undefined);
      assert.equal(await store.head("kms/absent.bin"), undefined);
    });

    if (o.unknownKmsKeyId !== undefined) {
      const unknown = o.unknownKmsKeyId;
      test("a KMS key id the store does not know is refused with KmsKeyError", async (store) => {
        const err = await store.put("kms/unknown.bin", bytes("x"), { kmsKeyId: unknown }).then(
          () => undefined,
          (e: unknown) => e,
        );
        assert.ok(err instanceof KmsKeyError, String(err));
        assert.equal(err.retriable, false);
        assert.equal(err.context.kmsKeyId, unknown);
        assert.equal(await store.head("kms/unknown.bin"), undefined);
      });
    }

    test("putFile and getFile move a large file without changing a byte", async (store) => {
      await withTempDir(async (dir) => {
        const source = join(dir, "source.bin");
        const body = randomBytes(o.largeBytes + 12_345);
        await writeFile(source, body);
        const info = await store.putFile("files/large.bin", source, { kmsKeyId: o.kmsKeyId });
        assert.equal(info.size, body.byteLength);
        const head = await store.head("files/large.bin");
        assert.equal(head?.size, body.byteLength);
        assert.equal(head?.kmsKeyId, o.kmsKeyId);
        const target = join(dir, "target.bin");
        await store.getFile("files/large.bin", target);
        assert.equal(sha256(await readFile(target)), sha256(body));
        await store.putFile("files/small.txt", await writeText(join(dir, "small.txt"), "small"));
        await store.getFile("files/small.txt", target);
        assert.equal(await readFile(target, "utf8"), "small", "getFile overwrites the local file");
        await assert.rejects(store.putFile("files/none", join(dir, "does-not-exist")));
      });
    });
  });
}

async function listKeys(
  store: ObjectStore,
  prefix: string,
  options: Parameters<ObjectStore["list"]>[1] = {},
): Promise<string[]> {
  return (await collect(store.list(prefix, options))).map((info) => info.key);
}

async function collect(iterable: AsyncIterable<ObjectInfo>): Promise<ObjectInfo[]> {
  const out: ObjectInfo[] = [];
  for await (const info of iterable) out.push(info);
  return out;
}

async function withTempDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "facsimile-conformance-"));
  try {
    await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function writeText(path: string, content: string): Promise<string> {
  await writeFile(path, content);
  return path;
}

function bytes(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

function text(b: Uint8Array): string {
  return new TextDecoder().decode(b);
}

function sha256(b: Uint8Array): string {
  return createHash("sha256").update(b).digest("hex");
}
