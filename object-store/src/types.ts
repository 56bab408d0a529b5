// The object store interface: the one door to bytes at rest for the lake (table files, the Delta log) and the
// producer (offloaded payloads). Implementations: local filesystem and S3. Nothing here knows about tables.

/**
 * Chooses the KMS key of an object from its key (BYOK routing: a workspace's objects under its key, the rest
 * under the platform key); `requested` is what the caller asked for. Undefined: no key (the store's default).
 */
export type KmsKeyRoute = (key: string, requested: string | undefined) => string | undefined;

/** Per-put options. */
export interface PutOptions {
  /**
   * KMS key id to encrypt this object with (BYOK: one per workspace). S3: SSE-KMS. Local: envelope encryption
   * under that keystore key once the store has a keystore, else only recorded. A store's kmsKeyRoute has the
   * last word.
   */
  readonly kmsKeyId?: string;
  readonly contentType?: string;
}

export interface ObjectInfo {
  /** Key relative to the store's root, "/"-separated, no leading slash. */
  readonly key: string;
  readonly size: number;
  /** Last modification, ms since the epoch. */
  readonly lastModified: number;
  readonly etag?: string;
  /** The KMS key id the object was encrypted with, when the store reports it. */
  readonly kmsKeyId?: string;
}

export interface ListOptions {
  /** Only keys that sort after this one (exclusive): for resuming or reading a log from a version on. */
  readonly startAfter?: string;
  /** Treat "/" as a delimiter and return only the direct children (files) of the prefix. */
  readonly delimiter?: "/";
}

/** A key-value store of immutable-ish byte objects, with an atomic create-if-absent. */
export interface ObjectStore {
  /** Human-readable location for messages, e.g. "file:///data/lake" or "s3://bucket/prefix". */
  readonly url: string;
  /** Throws ObjectNotFoundError when absent. */
  get(key: string): Promise<Uint8Array>;
  /** Overwrites. Large bodies go through multipart where the store has it. */
  put(key: string, body: Uint8Array, options?: PutOptions): Promise<ObjectInfo>;
  /**
   * Atomically creates the object if no object has the key; throws ObjectExistsError (never overwrites)
   * otherwise. This is the primitive the Delta commit protocol relies on.
   */
  putIfAbsent(key: string, body: Uint8Array, options?: PutOptions): Promise<ObjectInfo>;
  /** Undefined when absent. */
  head(key: string): Promise<ObjectInfo | undefined>;
  /** Objects whose key starts with prefix, sorted by key ascending. */
  list(prefix: string, options?: ListOptions): AsyncIterable<ObjectInfo>;
  /** Deleting an absent key is not an error. */
  delete(key: string): Promise<void>;
  /** Uploads a local file (multipart for large ones) without reading it all into memory. */
  putFile(key: string, localPath: string, options?: PutOptions): Promise<ObjectInfo>;
  /** Downloads to a local file. Throws ObjectNotFoundError when absent. */
  getFile(key: string, localPath: string): Promise<void>;
  /**
   * Re-encrypts the object in place under `kmsKeyId` (the same bytes; the store's kmsKeyRoute has the last
   * word), without bringing it back when it was deleted meanwhile: undefined then. S3: a server-side copy onto
   * itself. Optional: without it, callers read and write the object back.
   */
  rekey?(key: string, kmsKeyId: string): Promise<ObjectInfo | undefined>;
  close(): Promise<void>;
}
