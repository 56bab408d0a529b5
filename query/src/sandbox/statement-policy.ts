// The sandbox's rules for the parse tree of one SELECT (DuckDB's own parser output, json_serialize_sql):
// table functions only from an allow-list (reading files, running SQL text, logging and checkpoints are not on
// it), a deny-list of scalar functions with side effects, that run SQL text or read settings, no file names in
// FROM, and every table or view named in FROM on an allow-list: the session's tables, the statement's own CTEs
// and the catalog views that describe them (never pg_settings, duckdb_logs or other views of the host).
// Pure. This is the second wall: the locked DuckDB settings are the first, and refuse all of it anyway; these
// rules give a clear error first, and close the few side doors the settings leave (logging, SQL in strings).

/** Table functions an analyst may call: generators, JSON walkers and the catalog's own descriptions. */
export const ALLOWED_TABLE_FUNCTIONS: ReadonlySet<string> = new Set([
  "range",
  "generate_series",
  "unnest",
  "repeat",
  "repeat_row",
  "json_each",
  "json_tree",
  "duckdb_tables",
  "duckdb_columns",
  "duckdb_views",
  "duckdb_schemas",
  "duckdb_types",
  "duckdb_functions",
  "duckdb_keywords",
  "duckdb_constraints",
  "duckdb_indexes",
  "duckdb_databases",
  "pragma_table_info",
  "histogram",
  "histogram_values",
  "icu_calendar_names",
  "pg_timezone_names",
]);

/** Scalar functions refused: they run SQL held in a string, write to the log, or read the environment. */
export const DENIED_SCALAR_FUNCTIONS: ReadonlySet<string> = new Set([
  "query",
  "query_table",
  "json_execute_serialized_sql",
  "json_serialize_plan",
  "json_deserialize_sql",
  "write_log",
  "getenv",
  "current_setting",
  "getvariable",
]);

/**
 * Catalog views an analyst may read, by schema: descriptions of the session's own tables. Every other system
 * view (pg_settings, duckdb_logs, pragma_database_list, pg_prepared_statements, ...) is refused by name.
 */
export const ALLOWED_SYSTEM_VIEWS: Readonly<Record<string, ReadonlySet<string>>> = Object.freeze({
  information_schema: new Set([
    "tables",
    "columns",
    "schemata",
    "views",
    "table_constraints",
    "key_column_usage",
    "referential_constraints",
    "constraint_column_usage",
    "constraint_table_usage",
    "check_constraints",
    "character_sets",
  ]),
  main: new Set([
    "duckdb_columns",
    "duckdb_constraints",
    "duckdb_databases",
    "duckdb_indexes",
    "duckdb_schemas",
    "duckdb_tables",
    "duckdb_types",
    "duckdb_views",
    "sqlite_master",
    "sqlite_schema",
  ]),
  pg_catalog: new Set([
    "pg_am",
    "pg_attrdef",
    "pg_attribute",
    "pg_class",
    "pg_constraint",
    "pg_database",
    "pg_depend",
    "pg_description",
    "pg_enum",
    "pg_index",
    "pg_indexes",
    "pg_namespace",
    "pg_proc",
    "pg_sequence",
    "pg_sequences",
    "pg_tables",
    "pg_tablespace",
    "pg_type",
    "pg_views",
  ]),
});

/** What a statement may name in FROM besides the catalog views: the session's tables. */
export interface PolicyContext {
  /** The session's tables (lowercase names). */
  readonly tables: ReadonlySet<string>;
  /** Tables of the region the session could not load (lowercase names): named in a clear refusal. */
  readonly unavailable: ReadonlySet<string>;
}

export interface PolicyViolation {
  readonly code:
    | "FUNCTION_NOT_ALLOWED"
    | "FILE_ACCESS_NOT_ALLOWED"
    | "TABLE_NOT_ALLOWED"
    | "TABLE_UNAVAILABLE"
    | "TABLE_NOT_FOUND";
  readonly name: string;
  readonly message: string;
}

/** Table functions that read files: named in the message so the analyst knows what to do instead. */
const FILE_READERS = /^(read_|parquet_|glob$|sniff_csv$|.*_scan$|iceberg_|delta_)/;

/** A name in FROM that DuckDB would treat as a file (a replacement scan): paths, extensions, URLs. */
const FILE_LIKE = /[./\\:*?~]/;

type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

/**
 * Every violation in the tree (empty: the statement may run). Without a context, table names are not checked
 * (only catalog views outside the allow-list are refused); with one, every name in FROM must be a session
 * table, a CTE of the statement or an allowed catalog view.
 */
export function policyViolations(tree: Json, context?: PolicyContext): PolicyViolation[] {
  const out: PolicyViolation[] = [];
  const ctes = cteNames(tree);
  const visit = (node: Json): void => {
    if (node === null || typeof node !== "object") return;
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
    const obj = node as { readonly [key: string]: Json };
    if (obj.type === "TABLE_FUNCTION") {
      const fn = obj.function as { readonly [key: string]: Json } | null;
      const name = String(fn?.function_name ?? "").toLowerCase();
      if (!ALLOWED_TABLE_FUNCTIONS.has(name)) out.push(tableFunctionViolation(name));
    } else if (obj.class === "FUNCTION") {
      const name = String(obj.function_name ?? "").toLowerCase();
      if (DENIED_SCALAR_FUNCTIONS.has(name))
        out.push({
          code: "FUNCTION_NOT_ALLOWED",
          name,
          message: `${name}() is not allowed in a workspace query`,
        });
    } else if (obj.type === "BASE_TABLE") {
      const name = String(obj.table_name ?? "");
      if (FILE_LIKE.test(name))
        out.push({
          code: "FILE_ACCESS_NOT_ALLOWED",
          name,
          message: "reading files is not allowed: query the workspace's tables by name",
        });
      else {
        const violation = tableViolation(
          String(obj.catalog_name ?? "").toLowerCase(),
          String(obj.schema_name ?? "").toLowerCase(),
          name,
          ctes,
          context,
        );
        if (violation !== undefined) out.push(violation);
      }
    }
    for (const value of Object.values(obj)) visit(value);
  };
  visit(tree);
  return out;
}

function tableFunctionViolation(name: string): PolicyViolation {
  if (FILE_READERS.test(name))
    return {
      code: "FILE_ACCESS_NOT_ALLOWED",
      name,
      message: `${name}() reads files, which is not allowed: query the workspace's tables by name`,
    };
  return {
    code: "FUNCTION_NOT_ALLOWED",
    name,
    message: `table function ${name}() is not allowed in a workspace query`,
  };
}

/** Every CTE name defined anywhere in the statement (lowercase); a CTE may be named in FROM. */
function cteNames(tree: Json): ReadonlySet<string> {
  const names = new Set<string>();
  const visit = (node: Json): void => {
    if (node === null || typeof node !== "object") return;
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
    const obj = node as { readonly [key: string]: Json };
    const map = (obj.cte_map as { readonly map?: Json } | undefined)?.map;
    if (Array.isArray(map))
      for (const entry of map) {
        const key = (entry as { readonly key?: Json } | null)?.key;
        if (typeof key === "string") names.add(key.toLowerCase());
      }
    for (const value of Object.values(obj)) visit(value);
  };
  visit(tree);
  return names;
}

/** Catalog views of every schema that are not on the allow-list, by name: refused wherever they are named. */
const DENIED_SYSTEM_VIEWS: ReadonlySet<string> = new Set([
  "pg_settings",
  "pg_prepared_statements",
  "duckdb_logs",
  "pragma_database_list",
  "sqlite_temp_master",
  "sqlite_temp_schema",
]);

const USER_CATALOGS: ReadonlySet<string> = new Set(["", "memory"]);
const SYSTEM_CATALOGS: ReadonlySet<string> = new Set(["", "system", "memory", "temp"]);

function tableViolation(
  catalog: string,
  schema: string,
  tableName: string,
  ctes: ReadonlySet<string>,
  context: PolicyContext | undefined,
): PolicyViolation | undefined {
  const name = tableName.toLowerCase();
  if (DENIED_SYSTEM_VIEWS.has(name))
    return {
      code: "TABLE_NOT_ALLOWED",
      name,
      message: `${name} is not allowed in a workspace query: it describes the server, not the workspace's tables`,
    };
  const plain = USER_CATALOGS.has(catalog) && (schema === "" || schema === "main");
  if (plain && schema === "" && ctes.has(name)) return undefined;
  if (context === undefined) return undefined;
  if (plain && context.tables.has(name)) return undefined;
  if (SYSTEM_CATALOGS.has(catalog)) {
    for (const [viewSchema, views] of Object.entries(ALLOWED_SYSTEM_VIEWS))
      if (
        views.has(name) &&
        (schema === viewSchema || (schema === "" && viewSchema !== "information_schema"))
      )
        return undefined;
  }
  if (plain && context.unavailable.has(name))
    return {
      code: "TABLE_UNAVAILABLE",
      name,
      message: `table ${name} cannot be read right now (its log is damaged); the operators have the details`,
    };
  const shown = [...context.tables].sort().join(", ");
  return {
    code: "TABLE_NOT_FOUND",
    name,
    message:
      `table ${JSON.stringify(tableName)} does not exist in this workspace session: ` +
      `the tables are ${shown === "" ? "(none)" : shown}, plus information_schema and the duckdb_* catalog views`,
  };
}
