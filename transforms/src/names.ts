// Names the transforms derive: table and relation names from entity names, and SQL identifiers that are
// quoted only when DuckDB needs it (so compiled SQL reads like the seed's: `CAST(key AS VARCHAR) AS key`).
// Pure functions; changing an output here renames tables.

/** `JiraIssue` -> `jira_issue`, `HTTPRequest` -> `http_request` (the rule the schema compiler uses). */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .toLowerCase();
}

/** Name of an entity's default model and target table: `JiraIssue` -> `jira_issue`. */
export function defaultTableName(entity: string): string {
  return snakeCase(entity);
}

/** The temp table `{{ source('entities', 'JiraIssue') }}` compiles to by default: `source_jira_issue`. */
export function sourceRelationName(entity: string): string {
  return `source_${snakeCase(entity)}`;
}

/** Target table and model names: the lake's table name rule. */
export const TABLE_NAME_PATTERN = /^[a-z][a-z0-9_]{0,127}$/;

// DuckDB 1.4's reserved keywords (`SELECT keyword_name FROM duckdb_keywords() WHERE keyword_category =
// 'reserved'`): only these need quoting as column names.
const RESERVED = new Set(
  (
    "all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create " +
    "default deferrable desc describe distinct do else end except false fetch for foreign from group having in " +
    "initially intersect into lambda lateral leading limit not null offset on only or order pivot pivot_longer " +
    "pivot_wider placing primary qualify references returning select show some summarize symmetric table then " +
    "to trailing true union unique unpivot using variadic when where window with"
  ).split(" "),
);

/** An identifier as SQL text: bare when it is a plain lower-case name and not reserved, else double-quoted. */
export function sqlIdent(name: string): string {
  if (/^[a-z_][a-z0-9_]*$/.test(name) && !RESERVED.has(name)) return name;
  return `"${name.replaceAll('"', '""')}"`;
}

/** A SQL string literal. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
