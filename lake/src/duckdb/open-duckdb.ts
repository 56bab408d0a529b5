// Opens an in-process DuckDB with the lake's offline extension settings and the requested extensions loaded.
// It must never reach DuckDB's extension servers: autoinstall and autoload are off, extensions come from the
// directory setup-interop.sh fills.
import { existsSync, mkdtempSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { defaultDuckDbExtensionDirectory, duckDbOfflineConfig } from "./extension-directory.js";
import { type DuckDbExtension, loadDuckDbExtensions } from "./load-extensions.js";

export interface OpenDuckDbOptions {
  /** Database file, or ":memory:". */
  readonly path: string;
  readonly extensions: readonly (DuckDbExtension | (string & {}))[];
  /** Undefined: defaultDuckDbExtensionDirectory() ($FACSIMILE_DUCKDB_EXTENSION_DIR or the cache). */
  readonly extensionDirectory: string | undefined;
  /** More DuckDB settings for the instance (threads, memory_limit, ...). */
  readonly config: Readonly<Record<string, string>>;
}

export const OPEN_DUCKDB_DEFAULTS: Readonly<OpenDuckDbOptions> = Object.freeze({
  path: ":memory:",
  extensions: Object.freeze([]),
  extensionDirectory: undefined,
  config: Object.freeze({}),
});

export interface OpenedDuckDb {
  readonly instance: DuckDBInstance;
  readonly connection: DuckDBConnection;
  readonly extensionDirectory: string;
  /** Closes the connection and the instance. */
  close(): void;
}

export async function openDuckDb(options: Partial<OpenDuckDbOptions> = {}): Promise<OpenedDuckDb> {
  const o = { ...OPEN_DUCKDB_DEFAULTS, ...options };
  const extensionDirectory = o.extensionDirectory ?? defaultDuckDbExtensionDirectory();
  const config: Record<string, string> = { ...duckDbOfflineConfig(extensionDirectory), ...o.config };
  // DuckDB refuses some statements when HOME does not exist (CI users without one); give it a scratch home.
  if (config.home_directory === undefined && !existsSync(process.env.HOME ?? homedir()))
    config.home_directory = mkdtempSync(join(tmpdir(), "facsimile-duckdb-home-"));
  const instance = await DuckDBInstance.create(o.path, config);
  let connection: DuckDBConnection | undefined;
  try {
    connection = await instance.connect();
    await loadDuckDbExtensions(connection, extensionDirectory, o.extensions);
  } catch (err) {
    connection?.closeSync();
    instance.closeSync();
    throw err;
  }
  const opened = connection;
  return {
    instance,
    connection: opened,
    extensionDirectory,
    close() {
      opened.closeSync();
      instance.closeSync();
    },
  };
}
