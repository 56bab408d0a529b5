// The embedded mode's keystore: named 256-bit key-encryption keys in one JSON file (mode 0600), which wrap the
// per-object data keys of the local store's envelope encryption (AES-256-GCM). Destroying a key erases its
// material and keeps its id as a tombstone, so every object under it stays unreadable and the id is never
// reused. Writes are read-modify-rename under an exclusive lock file (a lost update would lose a key, and with it
// every object under it); readers read any time.
// Must never log or return key material.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { pathToFileURL } from "node:url";
import { KmsKeyError, KmsKeyUnavailableError, ObjectStoreError } from "../errors.js";
import type { KeyInfo, KeyService } from "./key-service.js";

interface StoredKey {
  /** base64 of 32 bytes; absent once destroyed. */
  readonly material?: string;
  readonly state: "Enabled" | "Destroyed";
  readonly createdAt: number;
  readonly destroyedAt?: number;
}

interface KeystoreFile {
  readonly version: 1;
  readonly keys: Readonly<Record<string, StoredKey>>;
}

/** A data key wrapped under a keystore key: AES-256-GCM of the 32 bytes, with the key id as associated data. */
export interface WrappedKey {
  readonly iv: Uint8Array;
  /** Ciphertext followed by the 16-byte tag. */
  readonly wrapped: Uint8Array;
}

const KEY_ID = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,255}$/;
const LOCK_WAIT_MS = 10_000;

export class LocalKeystore implements KeyService {
  readonly url: string;
  private cache: { readonly mtimeMs: number; readonly size: number; readonly file: KeystoreFile } | undefined;

  constructor(readonly path: string) {
    this.url = `keystore:${pathToFileURL(path).pathname}`;
  }

  /** True once a key was ever created here: from then on the store encrypts what names a key. */
  exists(): boolean {
    return existsSync(this.path);
  }

  async describeKey(keyId: string): Promise<KeyInfo | undefined> {
    const k = (await this.load()).keys[keyId];
    return k === undefined ? undefined : { keyId, state: k.state };
  }

  async listKeys(): Promise<KeyInfo[]> {
    const file = await this.load();
    return Object.entries(file.keys).map(([keyId, k]) => ({ keyId, state: k.state }));
  }

  /** Creates a key with fresh random material; an id that exists (or existed) is refused. */
  async createKey(keyId: string): Promise<KeyInfo> {
    if (!KEY_ID.test(keyId))
      throw new ObjectStoreError(`invalid key id ${JSON.stringify(keyId)}: expected ${KEY_ID.source}`, {
        context: { keystore: this.url, keyId },
      });
    return this.update((file) => {
      if (file.keys[keyId] !== undefined)
        throw new ObjectStoreError(
          `key ${JSON.stringify(keyId)} already exists in ${this.url} (state ${file.keys[keyId]?.state}); ` +
            "key ids are never reused",
          { context: { keystore: this.url, keyId } },
        );
      const key: StoredKey = {
        material: randomBytes(32).toString("base64"),
        state: "Enabled",
        createdAt: Date.now(),
      };
      return [
        { version: 1, keys: { ...file.keys, [keyId]: key } },
        { keyId, state: "Enabled" },
      ];
    });
  }

  async destroyKey(keyId: string): Promise<KeyInfo> {
    return this.update((file) => {
      const k = file.keys[keyId];
      if (k === undefined) throw new KmsKeyError(this.url, "-", keyId);
      const destroyed: KeyInfo = { keyId, state: "Destroyed" };
      if (k.state === "Destroyed") return [undefined, destroyed];
      const tombstone: StoredKey = { state: "Destroyed", createdAt: k.createdAt, destroyedAt: Date.now() };
      return [{ version: 1, keys: { ...file.keys, [keyId]: tombstone } }, destroyed];
    });
  }

  async close(): Promise<void> {}

  /** Wraps a 32-byte data key under `keyId`. `objectKey` only names the object in errors. */
  async wrap(keyId: string, dataKey: Uint8Array, objectKey: string, storeUrl: string): Promise<WrappedKey> {
    const material = await this.material(keyId, objectKey, storeUrl, "refused");
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", material, iv);
    cipher.setAAD(Buffer.from(keyId, "utf8"));
    const wrapped = Buffer.concat([cipher.update(dataKey), cipher.final(), cipher.getAuthTag()]);
    return { iv, wrapped };
  }

  async unwrap(keyId: string, w: WrappedKey, objectKey: string, storeUrl: string): Promise<Buffer> {
    const material = await this.material(keyId, objectKey, storeUrl, "unavailable");
    const decipher = createDecipheriv("aes-256-gcm", material, w.iv);
    decipher.setAAD(Buffer.from(keyId, "utf8"));
    decipher.setAuthTag(w.wrapped.subarray(w.wrapped.length - 16));
    return Buffer.concat([decipher.update(w.wrapped.subarray(0, w.wrapped.length - 16)), decipher.final()]);
  }

  private async material(
    keyId: string,
    objectKey: string,
    storeUrl: string,
    missing: "refused" | "unavailable",
  ): Promise<Buffer> {
    const k = (await this.load()).keys[keyId];
    if (k === undefined || k.material === undefined) {
      const state = k?.state ?? "not in the keystore";
      if (missing === "refused" && k === undefined)
        throw new KmsKeyError(storeUrl, objectKey, keyId, { context: { keystore: this.url } });
      throw new KmsKeyUnavailableError(storeUrl, objectKey, keyId, state, {
        context: { keystore: this.url },
      });
    }
    return Buffer.from(k.material, "base64");
  }

  private async load(): Promise<KeystoreFile> {
    let st: { mtimeMs: number; size: number };
    try {
      st = await stat(this.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return { version: 1, keys: {} };
      throw err;
    }
    if (this.cache !== undefined && this.cache.mtimeMs === st.mtimeMs && this.cache.size === st.size)
      return this.cache.file;
    const file = JSON.parse(await readFile(this.path, "utf8")) as KeystoreFile;
    if (file.version !== 1 || typeof file.keys !== "object" || file.keys === null)
      throw new ObjectStoreError(`keystore ${this.url} is not a version 1 keystore file`, {
        context: { keystore: this.url },
      });
    this.cache = { mtimeMs: st.mtimeMs, size: st.size, file };
    return file;
  }

  /** Read-modify-write under the lock, on a fresh read; `change` returns the new file (undefined: none) and a result. */
  private async update<T>(change: (file: KeystoreFile) => [KeystoreFile | undefined, T]): Promise<T> {
    await mkdir(dirname(this.path), { recursive: true });
    const lock = `${this.path}.lock`;
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (;;) {
      try {
        await writeFile(lock, String(process.pid), { flag: "wx", mode: 0o600 });
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
        if (Date.now() > deadline)
          throw new ObjectStoreError(
            `keystore ${this.url} is locked by ${lock} for over ${LOCK_WAIT_MS} ms: if no key command runs, remove it`,
            { context: { keystore: this.url, lock }, retriable: true },
          );
        await new Promise((r) => setTimeout(r, 20));
      }
    }
    try {
      this.cache = undefined;
      const [next, result] = change(await this.load());
      if (next !== undefined) await this.save(next);
      return result;
    } finally {
      await rm(lock, { force: true });
    }
  }

  private async save(file: KeystoreFile): Promise<void> {
    const tmp = `${this.path}.${randomBytes(6).toString("hex")}.tmp`;
    await writeFile(tmp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600, flag: "wx" });
    await rename(tmp, this.path);
    this.cache = undefined;
  }
}
