// Lists the keys under a prefix of a local object store root, sorted as S3 sorts them. Reads directories only;
// must never follow the store's reserved directory or report directories as objects.
import type { Dirent } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { isAbsent } from "./local-fs-errors.js";
import { compareKeys } from "./object-key.js";

export interface ListLocalKeysOptions {
  readonly startAfter?: string;
  /** Only the files directly under the prefix's directory part. */
  readonly directOnly: boolean;
  /** A top-level directory name that is not part of the key space. */
  readonly reserved: string;
}

/** Keys (relative, "/"-separated) of the regular files under `root` starting with `prefix`, sorted. */
export async function listLocalKeys(
  root: string,
  prefix: string,
  options: ListLocalKeysOptions,
): Promise<string[]> {
  const slash = prefix.lastIndexOf("/");
  const dirKey = slash < 0 ? "" : prefix.slice(0, slash + 1);
  const keys: string[] = [];
  await walk(root, dirKey, prefix, options, keys);
  const { startAfter } = options;
  const selected = startAfter === undefined ? keys : keys.filter((k) => compareKeys(k, startAfter) > 0);
  return selected.sort(compareKeys);
}

async function walk(
  root: string,
  dirKey: string,
  prefix: string,
  options: ListLocalKeysOptions,
  out: string[],
): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await readdir(join(root, dirKey), { withFileTypes: true });
  } catch (err) {
    if (isAbsent(err)) return;
    throw err;
  }
  for (const entry of entries) {
    if (dirKey === "" && entry.name === options.reserved) continue;
    const key = `${dirKey}${entry.name}`;
    if (entry.isFile()) {
      if (key.startsWith(prefix)) out.push(key);
    } else if (entry.isDirectory() && !options.directOnly) {
      const childDir = `${key}/`;
      // Descend only where keys can still match: the directory is inside the prefix or the prefix inside it.
      if (childDir.startsWith(prefix) || prefix.startsWith(childDir)) {
        await walk(root, childDir, prefix, options, out);
      }
    }
  }
}
