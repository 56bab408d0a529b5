// Maps Node filesystem errors to the lake's typed errors, so callers read `retriable` and never errno strings.
// Must never swallow an error: every input comes back as a StoreError (or is rethrown when already one).
import { isStoreError, ObjectStoreError, type StoreError } from "./errors.js";

const RETRIABLE_CODES: ReadonlySet<string> = new Set([
  "EAGAIN",
  "EBUSY",
  "EMFILE",
  "ENFILE",
  "EINTR",
  "ETIMEDOUT",
]);

export function errnoCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** True for the errno codes that mean "nothing at this path" (including a file where a directory was expected). */
export function isAbsent(err: unknown): boolean {
  const code = errnoCode(err);
  return code === "ENOENT" || code === "ENOTDIR";
}

export function toLocalStoreError(err: unknown, url: string, operation: string, key: string): StoreError {
  if (isStoreError(err)) return err;
  const code = errnoCode(err) ?? "UNKNOWN";
  const detail = err instanceof Error ? err.message : String(err);
  return new ObjectStoreError(`${operation} ${JSON.stringify(key)} in ${url} failed: ${detail}`, {
    retriable: RETRIABLE_CODES.has(code),
    context: { url, key, operation, errno: code },
    cause: err,
  });
}
