// Where DuckDB's optional extensions (delta, httpfs) live on machines without access to DuckDB's extension
// servers, and the offline settings that make DuckDB load them from there. Pure path logic: must never
// download or install anything (lake/scripts/setup-interop.sh does, from PyPI).
import { homedir } from "node:os";
import { join } from "node:path";

/** Environment variable naming the extension directory; setup-interop.sh prints it. */
export const DUCKDB_EXTENSION_DIR_ENV = "FACSIMILE_DUCKDB_EXTENSION_DIR";

/** The script that fills the extension directory, relative to the repository root. */
export const DUCKDB_EXTENSION_SETUP_SCRIPT = "lake/scripts/setup-interop.sh";

/**
 * The extension directory: $FACSIMILE_DUCKDB_EXTENSION_DIR, else
 * ${FACSIMILE_CACHE:-~/.cache/facsimile}/duckdb-extensions (where setup-interop.sh puts the binaries).
 */
export function defaultDuckDbExtensionDirectory(
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  const explicit = env[DUCKDB_EXTENSION_DIR_ENV];
  if (explicit !== undefined && explicit !== "") return explicit;
  const cache = env.FACSIMILE_CACHE;
  const root =
    cache !== undefined && cache !== "" ? cache : join(env.HOME ?? homedir(), ".cache", "facsimile");
  return join(root, "duckdb-extensions");
}

/** DuckDB's own layout: <dir>/<version, e.g. v1.4.4>/<platform, e.g. linux_amd64>/<name>.duckdb_extension. */
export function duckDbExtensionPath(
  directory: string,
  version: string,
  platform: string,
  name: string,
): string {
  return join(directory, version, platform, `${name}.duckdb_extension`);
}

/** Instance settings for loading extensions only from `directory`, never from the network. */
export function duckDbOfflineConfig(directory: string): Record<string, string> {
  return {
    extension_directory: directory,
    autoinstall_known_extensions: "false",
    autoload_known_extensions: "false",
  };
}
