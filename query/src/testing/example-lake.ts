// A throwaway lake holding the example tables, for tests of the query tools (unit: on local disk; integration:
// on a given store such as an S3 prefix). Never for real data: close() deletes its temp directory.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { loadSnapshot, openTable, regionLayout } from "@facsimile/lake";
import { LocalObjectStore, type ObjectStore } from "@facsimile/object-store";
import { type ExampleTables, writeExampleTables } from "../examples/example-tables.js";

export interface ExampleLake {
  readonly region: string;
  readonly store: ObjectStore;
  /** The lake's location as the CLI takes it (a local path or an s3:// URL). */
  readonly location: string;
  /** A temp directory of the test's own (the local lake lives in it; caches can go there). */
  readonly dir: string;
  readonly tables: ExampleTables;
  /** A data file of the second workspace, as DuckDB would name it. */
  readonly otherWorkspaceFile: string;
  close(): Promise<void>;
}

export async function openExampleLake(
  options: { readonly store?: ObjectStore; readonly location?: string; readonly region?: string } = {},
): Promise<ExampleLake> {
  const dir = await mkdtemp(join(tmpdir(), "facsimile-query-test-"));
  const region = options.region ?? "eu-test-1";
  const local =
    options.store === undefined ? new LocalObjectStore(join(dir, "lake"), { durable: false }) : undefined;
  const store = options.store ?? (local as LocalObjectStore);
  const location = options.location ?? local?.root ?? store.url;
  try {
    const tables = await writeExampleTables(store, region);
    const other = tables.workspaces[1] as string;
    const key = await firstDataKey(store, regionLayout.table(region, "jira_issue"), other, dir);
    const otherWorkspaceFile =
      local === undefined ? `${location.replace(/\/+$/, "")}/${key}` : join(local.root, key);
    return {
      region,
      store,
      location,
      dir,
      tables,
      otherWorkspaceFile,
      async close() {
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

async function firstDataKey(
  store: ObjectStore,
  path: string,
  workspace: string,
  dir: string,
): Promise<string> {
  const instance = await DuckDBInstance.create(":memory:", { threads: "1" });
  const connection = await instance.connect();
  try {
    const table = openTable(store, path, connection, {
      scratchDir: join(dir, "scratch"),
      cacheDir: join(dir, "cache"),
    });
    const snapshot = await loadSnapshot(table);
    // The snapshot's keys are the files' decoded paths relative to the table root.
    const found = [...snapshot.files].find(([, add]) => add.partitionValues.workspace_id === workspace);
    if (found === undefined) throw new Error(`no data file of ${workspace} in ${path}`);
    return `${path}/${found[0]}`;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
