// Local files DuckDB reads to skip deleted rows: one CSV of row positions per deletion vector, made once in the
// cache directory and named by the DV's unique id (a DV is immutable, so a copy never goes stale). Never writes
// to the store.
import { createHash, randomBytes } from "node:crypto";
import { mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type AddAction, decodeDataPath } from "../table/actions.js";
import { deletionVectorId } from "../table/deletion-vectors/descriptor.js";
import { readDeletionVector } from "../table/deletion-vectors/read-deletion-vector.js";
import { mapLimited } from "../table/read-log.js";
import type { Table } from "../table/table.js";

const CONCURRENCY = 8;

/** Per add, the local CSV of its deleted row positions (one per line), or undefined when it has no DV. */
export async function localDeletionVectors(
  table: Table,
  adds: readonly AddAction[],
): Promise<(string | undefined)[]> {
  return mapLimited(adds, CONCURRENCY, async (add) => {
    const dv = add.deletionVector;
    if (dv === undefined || dv === null) return undefined;
    const id = createHash("sha256")
      .update(`${table.url}\n${deletionVectorId(dv)}`)
      .digest("hex")
      .slice(0, 32);
    const path = join(table.options.cacheDir, "deletion-vectors", `${id}.csv`);
    try {
      if ((await stat(path)).isFile()) return path;
    } catch {
      // not cached yet
    }
    const positions = await readDeletionVector(table, decodeDataPath(add.path), dv);
    await mkdir(join(table.options.cacheDir, "deletion-vectors"), { recursive: true });
    const tmp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
    try {
      await writeFile(tmp, `${positions.join("\n")}\n`);
      await rename(tmp, path);
    } finally {
      await rm(tmp, { force: true });
    }
    return path;
  });
}
