// Where offloaded payloads are fetched and verified: the pointer's URI must lie inside the decoder's object store,
// the object must exist (fetched with retries while the store is unavailable), and its bytes must have the
// pointer's size and sha256. A missing or mismatching object, or a key the store would refuse (`..`, `//`, a
// backslash, a name too long), is a typed, non-retriable error: the record belongs in the dead-letter topic, it
// never stops the region. A caller may name where a missing object may have moved (`relocate`: a residency
// migration copies a workspace's offloads into its new region and deletes the old region's), tried once before
// the pointer counts as missing; size and sha256 are checked the same way.
import { RetryExhausted, type RetryOptions, retryWithinBudget } from "@facsimile/core";
import { keyProblem, type ObjectStore } from "@facsimile/object-store";
import { sha256Hex } from "../envelope/payload-hash.js";
import type { OffloadPointer } from "../envelope/record.js";
import { OffloadIntegrityError, OffloadUnresolvableError } from "../errors.js";
import { keyOfOffloadUri } from "./offload-location.js";

/** Longest offload key accepted, in UTF-8 bytes (S3's limit), and longest segment (file systems' NAME_MAX). */
export const MAX_OFFLOAD_KEY_BYTES = 1024;
export const MAX_OFFLOAD_KEY_SEGMENT_BYTES = 255;

/** Why the store would refuse `key` (or fail on it), or undefined when it is fine. */
export function offloadKeyProblem(key: string): string | undefined {
  const problem = keyProblem(key);
  if (problem !== undefined) return problem;
  if (Buffer.byteLength(key, "utf8") > MAX_OFFLOAD_KEY_BYTES)
    return `longer than ${MAX_OFFLOAD_KEY_BYTES} bytes`;
  if (key.split("/").some((s) => Buffer.byteLength(s, "utf8") > MAX_OFFLOAD_KEY_SEGMENT_BYTES))
    return `a segment longer than ${MAX_OFFLOAD_KEY_SEGMENT_BYTES} bytes`;
  return undefined;
}

/** The bytes `pointer` points at, after checking their size and sha256 against it. */
export async function fetchVerifiedOffload(
  store: ObjectStore | undefined,
  pointer: OffloadPointer,
  retry: Partial<RetryOptions> = {},
  relocate?: (key: string) => string | undefined,
): Promise<Uint8Array> {
  if (store === undefined) throw new OffloadUnresolvableError(pointer.uri, "(none)", "needs an object store");
  const key = keyOfOffloadUri(store, pointer.uri);
  if (key === undefined)
    throw new OffloadUnresolvableError(pointer.uri, store.url, "is outside the object store");
  const problem = offloadKeyProblem(key);
  if (problem !== undefined)
    throw new OffloadUnresolvableError(
      pointer.uri.slice(0, 300),
      store.url,
      `names an invalid key (${problem})`,
    );
  let bytes: Uint8Array;
  try {
    bytes = await getOrRelocated(store, key, retry, relocate);
  } catch (err) {
    const cause = err instanceof RetryExhausted ? err.cause : err;
    const code = (cause as { code?: unknown }).code;
    if (code === "OBJECT_NOT_FOUND")
      throw new OffloadUnresolvableError(pointer.uri, store.url, "points to a missing object", cause);
    if (code === "INVALID_OBJECT_KEY")
      throw new OffloadUnresolvableError(pointer.uri.slice(0, 300), store.url, "names an invalid key", cause);
    throw cause;
  }
  if (bytes.length !== pointer.sizeBytes) {
    throw new OffloadIntegrityError(
      pointer.uri,
      `has ${bytes.length} bytes, the pointer says ${pointer.sizeBytes}`,
    );
  }
  const sha = sha256Hex(bytes);
  if (sha !== pointer.sha256.toLowerCase()) {
    throw new OffloadIntegrityError(pointer.uri, `has sha256 ${sha}, the pointer says ${pointer.sha256}`);
  }
  return bytes;
}

async function getOrRelocated(
  store: ObjectStore,
  key: string,
  retry: Partial<RetryOptions>,
  relocate: ((key: string) => string | undefined) | undefined,
): Promise<Uint8Array> {
  try {
    return await retryWithinBudget(() => store.get(key), retry);
  } catch (err) {
    const cause = err instanceof RetryExhausted ? err.cause : err;
    const moved = relocate?.(key);
    if ((cause as { code?: unknown }).code !== "OBJECT_NOT_FOUND" || moved === undefined || moved === key)
      throw err;
    if (offloadKeyProblem(moved) !== undefined) throw err;
    return await retryWithinBudget(() => store.get(moved), retry).catch((again: unknown) => {
      const c = again instanceof RetryExhausted ? again.cause : again;
      throw (c as { code?: unknown }).code === "OBJECT_NOT_FOUND" ? err : again;
    });
  }
}
