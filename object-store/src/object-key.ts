// Key rules shared by every object store: what a valid key is and how keys sort. Pure functions; must never
// touch a filesystem or the network.
import { InvalidObjectKeyError } from "./errors.js";

/** Why a key is invalid, or undefined when it is fine. Keys are "/"-separated, relative, without empty segments. */
export function keyProblem(key: string): string | undefined {
  if (key.length === 0) return "empty";
  if (key.startsWith("/")) return "leading '/'";
  if (key.endsWith("/")) return "trailing '/'";
  if (key.includes("\0")) return "NUL character";
  if (key.includes("\\")) return "backslash (keys are '/'-separated)";
  for (const segment of key.split("/")) {
    if (segment === "") return "empty path segment ('//')";
    if (segment === "." || segment === "..") return `'${segment}' segment`;
  }
  return undefined;
}

/** Throws InvalidObjectKeyError unless `key` is valid. */
export function assertValidKey(url: string, key: string): void {
  const problem = keyProblem(key);
  if (problem !== undefined) throw new InvalidObjectKeyError(url, key, problem);
}

/** Prefixes may be empty or end in "/", but never escape the root. */
export function assertValidPrefix(url: string, prefix: string): void {
  if (prefix === "") return;
  const problem = keyProblem(prefix.endsWith("/") ? prefix.slice(0, -1) : prefix);
  if (problem !== undefined) throw new InvalidObjectKeyError(url, prefix, `as a prefix: ${problem}`);
}

/** Orders keys by their UTF-8 bytes, as S3 lists them (JS string order differs above U+FFFF). */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}
