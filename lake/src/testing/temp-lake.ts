// A throwaway lake for tests and benchmarks: a LocalObjectStore in a temp directory and an in-process DuckDB.
// Never for production data: close() deletes the directory.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import type { ObjectStore } from "@facsimile/object-store";
import { LocalObjectStore } from "@facsimile/object-store";
import { openTable, type Table, type TableOptions } from "../table/table.js";

export interface TempLake {
  readonly dir: string;
  readonly store: LocalObjectStore;
  readonly instance: DuckDBInstance;
  /** The connection of tables opened with open(). */
  readonly connection: DuckDBConnection;
  /** A table at `path` of the temp store (or of `store`), with scratch and cache under the temp directory. */
  open(
    path: string,
    options?: Partial<TableOptions> & { store?: ObjectStore; connection?: DuckDBConnection },
  ): Table;
  close(): Promise<void>;
}

export async function tempLake(threads = 2): Promise<TempLake> {
  const dir = await mkdtemp(join(tmpdir(), "facsimile-lake-test-"));
  const store = new LocalObjectStore(join(dir, "store"), { durable: false });
  const instance = await DuckDBInstance.create(":memory:", { threads: String(threads) });
  const connection = await instance.connect();
  return {
    dir,
    store,
    instance,
    connection,
    open(path, options = {}) {
      const { store: other, connection: conn, ...rest } = options;
      return openTable(other ?? store, path, conn ?? connection, {
        scratchDir: join(dir, "scratch"),
        cacheDir: join(dir, "cache"),
        ...rest,
      });
    },
    async close() {
      connection.closeSync();
      instance.closeSync();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
