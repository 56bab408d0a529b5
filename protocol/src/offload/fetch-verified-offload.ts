// Where offloaded payloads are fetched and verified: the pointer's URI must lie inside the decoder's object store,
// the object must exist (fetched with retries while the store is unavailable), and its bytes must have the
// pointer's size and sha256. A missing or mismatching object is a typed, non-retriable error: the record belongs
// in the dead-letter topic.
import { RetryExhausted, type RetryOptions, retryWithinBudget } from "@facsimile/core";
import type { ObjectStore } from "@facsimile/object-store";
import { sha256Hex } from "../envelope/payload-hash.js";
import type { OffloadPointer } from "../envelope/record.js";
import { OffloadIntegrityError, OffloadUnresolvableError } from "../errors.js";
import { keyOfOffloadUri } from "./offload-location.js";

/** The bytes `pointer` points at, after checking their size and sha256 against it. */
export async function fetchVerifiedOffload(
  store: ObjectStore | undefined,
  pointer: OffloadPointer,
  retry: Partial<RetryOptions> = {},
): Promise<Uint8Array> {
  if (store === undefined) throw new OffloadUnresolvableError(pointer.uri, "(none)", "needs an object store");
  const key = keyOfOffloadUri(store, pointer.uri);
  if (key === undefined)
    throw new OffloadUnresolvableError(pointer.uri, store.url, "is outside the object store");
  let bytes: Uint8Array;
  try {
    bytes = await retryWithinBudget(() => store.get(key), retry);
  } catch (err) {
    const cause = err instanceof RetryExhausted ? err.cause : err;
    if ((cause as { code?: unknown }).code === "OBJECT_NOT_FOUND") {
      throw new OffloadUnresolvableError(pointer.uri, store.url, "points to a missing object", cause);
    }
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
