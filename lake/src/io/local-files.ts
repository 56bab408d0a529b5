// Local paths DuckDB can read for objects of a table: the file itself on a local store, else a copy in the cache
// directory (data files and checkpoints are immutable, so a cached copy never goes stale). A local store that
// encrypts (embedded BYOK) is read like a remote one: through getFile, which decrypts. Never writes to the store.
import { createHash, randomBytes } from "node:crypto";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { LocalObjectStore } from "@facsimile/object-store";
import type { Table } from "../table/table.js";

export interface LocalFilesOptions {
  /** Downloads in flight at once for a remote store. */
  readonly concurrency: number;
}

export const LOCAL_FILES_DEFAULTS: Readonly<LocalFilesOptions> = Object.freeze({ concurrency: 8 });

/** Local paths for `keys` (store keys), in the same order; remote objects are downloaded once into the cache. */
export async function localFiles(
  table: Table,
  keys: readonly string[],
  options: Partial<LocalFilesOptions> = {},
): Promise<string[]> {
  const { concurrency } = { ...LOCAL_FILES_DEFAULTS, ...options };
  const store = table.store;
  if (store instanceof LocalObjectStore && !store.encrypts()) return keys.map((k) => join(store.root, k));
  const out = keys.map((k) => join(cacheBase(table), k));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < keys.length) {
      const i = next++;
      await ensureCopy(table, keys[i] as string, out[i] as string);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, keys.length) }, worker));
  return out;
}

async function ensureCopy(table: Table, key: string, path: string): Promise<void> {
  try {
    if ((await stat(path)).isFile()) return;
  } catch {
    // not cached yet
  }
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${randomBytes(6).toString("hex")}.download`;
  try {
    await table.store.getFile(key, tmp);
    await rename(tmp, path);
  } finally {
    await rm(tmp, { force: true });
  }
}

function cacheBase(table: Table): string {
  return join(
    table.options.cacheDir,
    createHash("sha256").update(table.store.url).digest("hex").slice(0, 16),
  );
}

/**
 * Drops this host's cached copies of objects that were deleted from the store (erasure, migration): a copy
 * never goes stale while its object exists, but must not outlive it. Other hosts' caches are theirs to drop.
 */
export async function evictLocalCopies(table: Table, keys: readonly string[]): Promise<void> {
  if (table.store instanceof LocalObjectStore && !table.store.encrypts()) return;
  const base = cacheBase(table);
  for (const k of keys) await rm(join(base, k), { force: true });
}
