// Typed errors of the object stores: each a StoreError, a FacsimileError (@facsimile/core) with a stable code,
// a `retriable` flag (the only thing retry logic reads) and context.
import { FacsimileError, type FacsimileErrorOptions } from "@facsimile/core";

/** Base of every object store error. */
export class StoreError extends FacsimileError {}

export function isStoreError(err: unknown): err is StoreError {
  return err instanceof StoreError;
}

/** get/getFile of a key that does not exist. */
export class ObjectNotFoundError extends StoreError {
  constructor(url: string, key: string, options: FacsimileErrorOptions = {}) {
    super("OBJECT_NOT_FOUND", `no object ${JSON.stringify(key)} in ${url}`, {
      ...options,
      context: { url, key },
    });
  }
}

/** putIfAbsent of a key that already exists: someone else won the race. */
export class ObjectExistsError extends StoreError {
  constructor(url: string, key: string, options: FacsimileErrorOptions = {}) {
    super("OBJECT_EXISTS", `object ${JSON.stringify(key)} already exists in ${url}`, {
      ...options,
      context: { url, key },
    });
  }
}

/**
 * An object store operation failed for a reason other than absence or existence: I/O, network, throttling,
 * permissions, a bad key. `retriable` says whether the same call may succeed later (throttling, 5xx, network).
 */
export class ObjectStoreError extends StoreError {
  constructor(message: string, options: FacsimileErrorOptions = {}) {
    super("OBJECT_STORE_ERROR", message, options);
  }
}

/** A key the store refuses: empty, absolute, with "." or ".." segments, or in the store's reserved space. */
export class InvalidObjectKeyError extends StoreError {
  constructor(url: string, key: string, reason: string) {
    super("INVALID_OBJECT_KEY", `invalid object key ${JSON.stringify(key)} for ${url}: ${reason}`, {
      context: { url, key, reason },
    });
  }
}

/** The KMS key id given for a put is unknown to the store's KMS, or the store may not use it. */
export class KmsKeyError extends StoreError {
  constructor(url: string, key: string, kmsKeyId: string, options: FacsimileErrorOptions = {}) {
    super(
      "KMS_KEY_INVALID",
      `KMS key ${JSON.stringify(kmsKeyId)} was refused for object ${JSON.stringify(key)} in ${url}: ` +
        "check the workspace's key mapping and that the key exists and is usable by the store's credentials",
      { ...options, context: { url, key, kmsKeyId, ...options.context } },
    );
  }
}

/**
 * The KMS key an object is encrypted under is disabled or destroyed (crypto-shredded), or its material is not
 * here: the object cannot be decrypted. Not retriable: only restoring the key would help.
 */
export class KmsKeyUnavailableError extends StoreError {
  constructor(
    url: string,
    key: string,
    kmsKeyId: string,
    state: string,
    options: FacsimileErrorOptions = {},
  ) {
    super(
      "KMS_KEY_UNAVAILABLE",
      `object ${JSON.stringify(key)} in ${url} is encrypted under KMS key ${JSON.stringify(kmsKeyId)}, ` +
        `which is ${state}: it cannot be decrypted (crypto-shredded data stays unreadable)`,
      { ...options, context: { url, key, kmsKeyId, state, ...options.context } },
    );
  }
}

/** An encrypted object failed authentication: it was altered, truncated, or its envelope is malformed. */
export class ObjectIntegrityError extends StoreError {
  constructor(url: string, key: string, reason: string, options: FacsimileErrorOptions = {}) {
    super("OBJECT_INTEGRITY", `object ${JSON.stringify(key)} in ${url} failed decryption: ${reason}`, {
      ...options,
      context: { url, key, reason, ...options.context },
    });
  }
}
