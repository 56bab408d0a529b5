// Large payloads go to the object store under a content-addressed key, per workspace so that deleting a
// workspace can delete its objects: `<prefix>/<workspace-id>/<sha[0..2]>/<sha256>`. The upload is create-if-absent
// (the same bytes under the same key are already there: done), retried within a budget, and finished BEFORE any
// record points at it: a record never references an object that is not stored yet.

import { RetryExhausted, type RetryOptions, retryWithinBudget } from "@facsimile/core";
import type { ObjectStore } from "@facsimile/object-store";
import {
  OFFLOAD_CONTENT_TYPE,
  type OffloadedPayload,
  offloadKey,
  offloadUri,
  sha256Hex,
} from "@facsimile/protocol";
import { OffloadFailedError } from "./errors.js";

export interface UploadOptions {
  readonly prefix: string;
  readonly kmsKeyId: string | undefined;
  readonly retry: Partial<RetryOptions>;
}

export async function offloadPayload(
  store: ObjectStore,
  workspaceId: string,
  bytes: Uint8Array,
  options: UploadOptions,
): Promise<OffloadedPayload> {
  const sha256 = sha256Hex(bytes);
  const key = offloadKey(options.prefix, workspaceId, sha256);
  try {
    await retryWithinBudget(async () => {
      try {
        await store.putIfAbsent(key, bytes, {
          contentType: OFFLOAD_CONTENT_TYPE,
          ...(options.kmsKeyId === undefined ? {} : { kmsKeyId: options.kmsKeyId }),
        });
      } catch (err) {
        // Content-addressed: an existing object under this key holds these very bytes.
        if ((err as { code?: unknown }).code !== "OBJECT_EXISTS") throw err;
      }
    }, options.retry);
  } catch (err) {
    if (err instanceof RetryExhausted) throw new OffloadFailedError(key, err.attempts, err.cause);
    throw err;
  }
  return { uri: offloadUri(store, key), key, sha256, sizeBytes: bytes.length };
}
