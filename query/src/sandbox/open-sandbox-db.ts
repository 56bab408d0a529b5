// A fresh in-process DuckDB for one workspace session, with its limits set at creation: memory, threads,
// spill space in a directory of its own, no extension directory worth reading, and no way to install or
// autoload extensions. Still unlocked: the session fills its tables, then lockSandbox() closes it down.
// Must never be shared between workspaces or reused after close.
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import type { SandboxOptions } from "./sandbox-options.js";

export interface SandboxDb {
  readonly instance: DuckDBInstance;
  readonly connection: DuckDBConnection;
  /** The session's own directory; deleted by close(). */
  readonly dir: string;
  /** DuckDB's temp_directory (spill files), inside `dir`. */
  readonly spillDir: string;
  close(): Promise<void>;
}

/** Instance settings of a sandbox (the runtime ones are in lock-sandbox.ts). */
export function sandboxInstanceConfig(options: SandboxOptions, dir: string): Record<string, string> {
  return {
    threads: String(options.threads),
    memory_limit: options.memoryLimit,
    max_temp_directory_size: options.maxTempDirectorySize,
    temp_directory: join(dir, "spill"),
    // An empty directory: even a LOAD that slipped through would find nothing to load.
    extension_directory: join(dir, "no-extensions"),
    autoinstall_known_extensions: "false",
    autoload_known_extensions: "false",
    allow_community_extensions: "false",
    allow_unsigned_extensions: "false",
    allow_persistent_secrets: "false",
    enable_http_metadata_cache: "false",
  };
}

export async function openSandboxDb(options: SandboxOptions): Promise<SandboxDb> {
  const dir = await mkdtemp(join(options.tempRoot ?? tmpdir(), "facsimile-query-"));
  let instance: DuckDBInstance | undefined;
  try {
    await mkdir(join(dir, "spill"));
    instance = await DuckDBInstance.create(":memory:", sandboxInstanceConfig(options, dir));
    const connection = await instance.connect();
    const opened = instance;
    let closed = false;
    return {
      instance: opened,
      connection,
      dir,
      spillDir: join(dir, "spill"),
      async close() {
        if (closed) return;
        closed = true;
        connection.closeSync();
        opened.closeSync();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    instance?.closeSync();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
