// The object store on a local filesystem directory: tests, the embedded demo, single-machine lakes. Readers
// must never see a partial object: every write lands in a temp file first and appears by rename (put) or by
// link (putIfAbsent, which fails with EEXIST and so never overwrites). Once a keystore exists (embedded BYOK),
// an object put with a KMS key id is stored as an AES-256-GCM envelope under that key and decrypted on read;
// objects without a key id stay plain.
import { randomBytes } from "node:crypto";
import type { Stats } from "node:fs";
import { copyFile, link, mkdir, open, readFile, rename, rm, stat, unlink } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import {
  InvalidObjectKeyError,
  isStoreError,
  ObjectExistsError,
  ObjectNotFoundError,
  ObjectStoreError,
} from "./errors.js";
import { decryptBytes, decryptFile, encryptFile, isEnvelope } from "./keys/envelope.js";
import { LocalKeystore } from "./keys/local-keystore.js";
import { type Sealed, sealBody, sealOptions, startsWithEnvelope } from "./keys/seal-options.js";
import { listLocalKeys } from "./list-local-keys.js";
import { errnoCode, isAbsent, toLocalStoreError } from "./local-fs-errors.js";
import { LocalMetadataStore } from "./local-metadata.js";
import { assertValidKey, assertValidPrefix } from "./object-key.js";
import type { KmsKeyRoute, ListOptions, ObjectInfo, ObjectStore, PutOptions } from "./types.js";

export interface LocalObjectStoreOptions {
  /** fsync each written file and its directory before the write returns (a commit must survive a crash). */
  readonly durable: boolean;
  /** The keystore file of envelope encryption; undefined: `<root>/.facsimile-store/keystore.json`. */
  readonly keystorePath: string | undefined;
  /** Chooses each object's key id (BYOK routing); undefined: the key id the caller passes. */
  readonly kmsKeyRoute: KmsKeyRoute | undefined;
}

export const LOCAL_OBJECT_STORE_DEFAULTS: Readonly<LocalObjectStoreOptions> = Object.freeze({
  durable: true,
  keystorePath: undefined,
  kmsKeyRoute: undefined,
});

/** Top-level directory of the root that holds temp files and metadata sidecars; not part of the key space. */
export const LOCAL_RESERVED_DIR = ".facsimile-store";

export class LocalObjectStore implements ObjectStore {
  readonly url: string;
  readonly root: string;
  private readonly options: LocalObjectStoreOptions;
  private readonly tmpRoot: string;
  private readonly meta: LocalMetadataStore;
  /** Holds the keys of envelope encryption; encryption starts once its file exists. */
  readonly keystore: LocalKeystore;
  private ready: Promise<void> | undefined;

  constructor(root: string, options: Partial<LocalObjectStoreOptions> = {}) {
    this.root = resolve(root);
    this.url = pathToFileURL(this.root).href;
    this.options = { ...LOCAL_OBJECT_STORE_DEFAULTS, ...options };
    this.tmpRoot = join(this.root, LOCAL_RESERVED_DIR, "tmp");
    this.meta = new LocalMetadataStore(join(this.root, LOCAL_RESERVED_DIR, "meta"), this.tmpRoot);
    this.keystore = new LocalKeystore(
      this.options.keystorePath ?? join(this.root, LOCAL_RESERVED_DIR, "keystore.json"),
    );
  }

  /**
   * True when objects here may be encrypted envelopes (a keystore exists): readers must then go through get or
   * getFile, never read the files in place.
   */
  encrypts(): boolean {
    return this.keystore.exists();
  }

  async get(key: string): Promise<Uint8Array> {
    const path = this.pathOf(key);
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (err) {
      throw this.readError(err, "get", key);
    }
    if (!isEnvelope(bytes)) return new Uint8Array(bytes);
    return new Uint8Array(await decryptBytes(this.keystore, bytes, { url: this.url, key }));
  }

  async put(key: string, body: Uint8Array, options: PutOptions = {}): Promise<ObjectInfo> {
    const path = this.pathOf(key);
    const opts = sealOptions(this.keystore, this.options.kmsKeyRoute, key, options, body.byteLength);
    const tmp = await this.writeTemp(key, await sealBody(this.keystore, { url: this.url, key }, body, opts));
    return this.publish(key, path, tmp, opts, "put");
  }

  async putIfAbsent(key: string, body: Uint8Array, options: PutOptions = {}): Promise<ObjectInfo> {
    const path = this.pathOf(key);
    const opts = sealOptions(this.keystore, this.options.kmsKeyRoute, key, options, body.byteLength);
    const tmp = await this.writeTemp(key, await sealBody(this.keystore, { url: this.url, key }, body, opts));
    try {
      await mkdir(dirname(path), { recursive: true });
      await link(tmp, path);
      if (this.options.durable) await syncDir(dirname(path));
      const st = await stat(path);
      await this.meta.write(key, st, opts);
      return this.info(key, st, opts);
    } catch (err) {
      if (errnoCode(err) === "EEXIST") throw new ObjectExistsError(this.url, key, { cause: err });
      throw toLocalStoreError(err, this.url, "putIfAbsent", key);
    } finally {
      await rm(tmp, { force: true });
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const path = this.pathOf(key);
    try {
      const st = await stat(path);
      if (!st.isFile()) return undefined;
      return this.info(key, st, await this.meta.read(key, st));
    } catch (err) {
      if (isAbsent(err)) return undefined;
      throw toLocalStoreError(err, this.url, "head", key);
    }
  }

  async *list(prefix: string, options: ListOptions = {}): AsyncIterable<ObjectInfo> {
    assertValidPrefix(this.url, prefix);
    let keys: string[];
    try {
      keys = await listLocalKeys(this.root, prefix, {
        ...(options.startAfter === undefined ? {} : { startAfter: options.startAfter }),
        directOnly: options.delimiter === "/",
        reserved: LOCAL_RESERVED_DIR,
      });
    } catch (err) {
      throw toLocalStoreError(err, this.url, "list", prefix);
    }
    for (const key of keys) {
      // Deleted between listing and stat: S3 would not list it either, so skip it.
      const info = await this.head(key);
      if (info !== undefined) yield info;
    }
  }

  async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    try {
      await unlink(path);
    } catch (err) {
      const code = errnoCode(err);
      // A "directory" is not an object: deleting it as a key is deleting an absent key.
      if (!isAbsent(err) && code !== "EISDIR") throw toLocalStoreError(err, this.url, "delete", key);
    }
    await this.meta.remove(key);
  }

  async putFile(key: string, localPath: string, options: PutOptions = {}): Promise<ObjectInfo> {
    const path = this.pathOf(key);
    const tmp = await this.tempPath();
    let opts: Sealed = options;
    try {
      opts = sealOptions(this.keystore, this.options.kmsKeyRoute, key, options, (await stat(localPath)).size);
      if (opts.plainSize !== undefined && opts.kmsKeyId !== undefined)
        await encryptFile(this.keystore, opts.kmsKeyId, localPath, tmp, { url: this.url, key });
      else await copyFile(localPath, tmp);
      if (this.options.durable) await syncFile(tmp);
    } catch (err) {
      await rm(tmp, { force: true });
      if (isStoreError(err)) throw err;
      if (isAbsent(err))
        throw new ObjectStoreError(`putFile ${JSON.stringify(key)}: no local file ${localPath}`, {
          context: { url: this.url, key, localPath },
          cause: err,
        });
      throw toLocalStoreError(err, this.url, "putFile", key);
    }
    return this.publish(key, path, tmp, opts, "putFile");
  }

  async getFile(key: string, localPath: string): Promise<void> {
    const path = this.pathOf(key);
    const target = resolve(localPath);
    const tmp = `${target}.${randomBytes(6).toString("hex")}.part`;
    let sealed: boolean;
    try {
      sealed = await startsWithEnvelope(path);
    } catch (err) {
      throw this.readError(err, "getFile", key);
    }
    try {
      if (sealed) await decryptFile(this.keystore, path, tmp, { url: this.url, key });
      else await copyFile(path, tmp);
      await rename(tmp, target);
    } catch (err) {
      await rm(tmp, { force: true });
      if (isStoreError(err)) throw err;
      throw this.readError(err, "getFile", key);
    }
  }

  async rekey(key: string, kmsKeyId: string): Promise<ObjectInfo | undefined> {
    const path = this.pathOf(key);
    let st: Stats;
    try {
      st = await stat(path);
    } catch (err) {
      if (isAbsent(err)) return undefined;
      throw toLocalStoreError(err, this.url, "rekey", key);
    }
    const meta = await this.meta.read(key, st);
    let body: Uint8Array;
    try {
      body = await this.get(key);
    } catch (err) {
      if (err instanceof ObjectNotFoundError) return undefined;
      throw err;
    }
    const contentType = meta.contentType === undefined ? {} : { contentType: meta.contentType };
    const opts = sealOptions(
      this.keystore,
      this.options.kmsKeyRoute,
      key,
      { kmsKeyId, ...contentType },
      body.byteLength,
    );
    const tmp = await this.writeTemp(key, await sealBody(this.keystore, { url: this.url, key }, body, opts));
    // Only over the file read: a delete (or a replacement) meanwhile wins and the temp file is dropped.
    try {
      const now = await stat(path);
      if (now.ino !== st.ino) {
        await rm(tmp, { force: true });
        return undefined;
      }
    } catch (err) {
      await rm(tmp, { force: true });
      if (isAbsent(err)) return undefined;
      throw toLocalStoreError(err, this.url, "rekey", key);
    }
    return this.publish(key, path, tmp, opts, "rekey");
  }

  async close(): Promise<void> {}

  private pathOf(key: string): string {
    assertValidKey(this.url, key);
    if (key === LOCAL_RESERVED_DIR || key.startsWith(`${LOCAL_RESERVED_DIR}/`))
      throw new InvalidObjectKeyError(
        this.url,
        key,
        `'${LOCAL_RESERVED_DIR}/' is reserved by the local store`,
      );
    return join(this.root, key);
  }

  private readError(err: unknown, operation: string, key: string): Error {
    const code = errnoCode(err);
    if (isAbsent(err) || code === "EISDIR") return new ObjectNotFoundError(this.url, key, { cause: err });
    return toLocalStoreError(err, this.url, operation, key);
  }

  private async tempPath(): Promise<string> {
    this.ready ??= mkdir(this.tmpRoot, { recursive: true }).then(() => undefined);
    try {
      await this.ready;
    } catch (err) {
      this.ready = undefined;
      throw toLocalStoreError(err, this.url, "prepare", LOCAL_RESERVED_DIR);
    }
    return join(this.tmpRoot, `${Date.now().toString(36)}-${randomBytes(8).toString("hex")}`);
  }

  private async writeTemp(key: string, body: Uint8Array): Promise<string> {
    const tmp = await this.tempPath();
    try {
      const handle = await open(tmp, "wx");
      try {
        await handle.writeFile(body);
        if (this.options.durable) await handle.sync();
      } finally {
        await handle.close();
      }
      return tmp;
    } catch (err) {
      await rm(tmp, { force: true });
      throw toLocalStoreError(err, this.url, "write", key);
    }
  }

  /** Moves a complete temp file into place (metadata first: the sidecar names the inode it describes). */
  private async publish(
    key: string,
    path: string,
    tmp: string,
    options: PutOptions,
    operation: string,
  ): Promise<ObjectInfo> {
    try {
      const tmpStat = await stat(tmp);
      await this.meta.write(key, tmpStat, options);
      await mkdir(dirname(path), { recursive: true });
      await rename(tmp, path);
      if (this.options.durable) await syncDir(dirname(path));
      return this.info(key, await stat(path), options);
    } catch (err) {
      await rm(tmp, { force: true });
      if (errnoCode(err) === "EISDIR")
        throw new ObjectStoreError(
          `${operation} ${JSON.stringify(key)}: a directory of other keys is there`,
          {
            context: { url: this.url, key },
            cause: err,
          },
        );
      throw toLocalStoreError(err, this.url, operation, key);
    }
  }

  private info(
    key: string,
    st: Stats,
    meta: { readonly kmsKeyId?: string | undefined; readonly plainSize?: number | undefined },
  ): ObjectInfo {
    return {
      key,
      size: meta.plainSize ?? st.size,
      lastModified: Math.floor(st.mtimeMs),
      etag: `${st.ino.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}-${st.size.toString(16)}`,
      ...(meta.kmsKeyId === undefined ? {} : { kmsKeyId: meta.kmsKeyId }),
    };
  }
}

async function syncFile(path: string): Promise<void> {
  const handle = await open(path, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncDir(path: string): Promise<void> {
  await syncFile(path);
}
