// Public surface of the lake's DuckDB helpers: offline extension loading and S3 access for DuckDB.
export {
  DUCKDB_EXTENSION_DIR_ENV,
  DUCKDB_EXTENSION_SETUP_SCRIPT,
  defaultDuckDbExtensionDirectory,
  duckDbExtensionPath,
  duckDbOfflineConfig,
} from "./extension-directory.js";
export { type DuckDbExtension, duckDbBuild, loadDuckDbExtensions } from "./load-extensions.js";
export {
  OPEN_DUCKDB_DEFAULTS,
  type OpenDuckDbOptions,
  type OpenedDuckDb,
  openDuckDb,
} from "./open-duckdb.js";
export {
  createDuckDbS3Secret,
  DUCKDB_S3_SECRET_DEFAULTS,
  type DuckDbS3SecretOptions,
  duckDbS3SecretSql,
} from "./s3-secret.js";
