// Loads optional DuckDB extensions into a connection from the offline extension directory, failing with a
// message that says how to install them. Must never INSTALL (that downloads) or fall back to autoloading.
import { existsSync } from "node:fs";
import type { DuckDBConnection } from "@duckdb/node-api";
import { DuckDbExtensionMissingError, LakeError } from "../errors.js";
import {
  DUCKDB_EXTENSION_DIR_ENV,
  DUCKDB_EXTENSION_SETUP_SCRIPT,
  duckDbExtensionPath,
} from "./extension-directory.js";

/** Extensions the lake uses; other names are allowed but nothing installs them. */
export type DuckDbExtension = "delta" | "httpfs";

const NAME = /^[a-z][a-z0-9_]*$/;

/** DuckDB's version ("v1.4.4") and platform ("linux_amd64"): the two levels of the extension layout. */
export async function duckDbBuild(
  connection: DuckDBConnection,
): Promise<{ version: string; platform: string }> {
  const version = (
    await connection.runAndReadAll("SELECT library_version FROM pragma_version()")
  ).getRows()[0]?.[0];
  const platform = (await connection.runAndReadAll("PRAGMA platform")).getRows()[0]?.[0];
  return { version: String(version), platform: String(platform) };
}

/**
 * LOADs each extension from `directory` (the connection's instance must have been created with that
 * extension_directory, see duckDbOfflineConfig). Throws DuckDbExtensionMissingError when a file is missing.
 */
export async function loadDuckDbExtensions(
  connection: DuckDBConnection,
  directory: string,
  extensions: readonly (DuckDbExtension | (string & {}))[],
): Promise<void> {
  if (extensions.length === 0) return;
  const { version, platform } = await duckDbBuild(connection);
  for (const name of extensions) {
    if (!NAME.test(name))
      throw new LakeError("DUCKDB_EXTENSION_NAME", `invalid DuckDB extension name ${JSON.stringify(name)}`, {
        context: { extension: name },
      });
    const path = duckDbExtensionPath(directory, version, platform, name);
    if (!existsSync(path))
      throw new DuckDbExtensionMissingError(
        name,
        path,
        `run \`bash ${DUCKDB_EXTENSION_SETUP_SCRIPT}\` (it installs delta and httpfs for DuckDB ${version} from ` +
          `PyPI) or point ${DUCKDB_EXTENSION_DIR_ENV} at a directory holding ${version}/${platform}/${name}.duckdb_extension`,
      );
    try {
      await connection.run(`LOAD ${name}`);
    } catch (err) {
      throw new LakeError(
        "DUCKDB_EXTENSION_LOAD",
        `DuckDB could not load ${path}: ${(err as Error).message}`,
        {
          context: { extension: name, path },
          cause: err,
        },
      );
    }
  }
}
