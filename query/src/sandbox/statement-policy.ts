// The sandbox's rules for the parse tree of one SELECT (DuckDB's own parser output, json_serialize_sql):
// table functions only from an allow-list (reading files, running SQL text, logging and checkpoints are not on
// it), a deny-list of scalar functions with side effects or that run SQL text, and no file names in FROM.
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
]);

export interface PolicyViolation {
  readonly code: "FUNCTION_NOT_ALLOWED" | "FILE_ACCESS_NOT_ALLOWED";
  readonly name: string;
  readonly message: string;
}

/** Table functions that read files: named in the message so the analyst knows what to do instead. */
const FILE_READERS = /^(read_|parquet_|glob$|sniff_csv$|.*_scan$|iceberg_|delta_)/;

/** A name in FROM that DuckDB would treat as a file (a replacement scan): paths, extensions, URLs. */
const FILE_LIKE = /[./\\:*?~]/;

type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

/** Every violation in the tree (empty: the statement may run). */
export function policyViolations(tree: Json): PolicyViolation[] {
  const out: PolicyViolation[] = [];
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
