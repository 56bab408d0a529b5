// Answers the pg_catalog queries SQL clients send to describe tables (psql 15's \dt, \d <table>), from the
// session's own table list, so the answers show the workspace's tables with PostgreSQL type names and nothing
// else. A catalog query it does not recognise but that asks about one of its table OIDs (psql's follow-ups on
// indexes, policies, publications, inheritance) gets an empty result; any other SQL is not its business
// (undefined). information_schema queries go to DuckDB, whose own information_schema shows only the sandbox's
// tables. Pure.
import type { ViewColumn } from "../catalog/plan-workspace-view.js";
import type { FieldDescription } from "./backend-messages.js";
import { PG_TYPES, pgTypeOf } from "./pg-types.js";

export interface CatalogTableInfo {
  readonly name: string;
  readonly columns: readonly ViewColumn[];
}

export interface CatalogAnswer {
  readonly fields: readonly FieldDescription[];
  readonly rows: readonly (readonly (string | null)[])[];
}

/** The schema every workspace table is shown in (DuckDB's default schema, so qualified names work). */
export const CATALOG_SCHEMA = "main";
/** Owner shown for every table. */
export const CATALOG_OWNER = "facsimile";
/** OID of the first table (PostgreSQL's first user OID); the rest follow in name order. */
export const FIRST_TABLE_OID = 16384;

const text = (name: string): FieldDescription => ({ name, typeOid: PG_TYPES.text.oid, typeSize: -1 });
const typed = (name: string, t: { oid: number; size: number }): FieldDescription => ({
  name,
  typeOid: t.oid,
  typeSize: t.size,
});

export function answerCatalogQuery(
  sql: string,
  tables: readonly CatalogTableInfo[],
): CatalogAnswer | undefined {
  const described = describedColumns(sql);
  if (described !== undefined) return described;
  if (!/\bpg_catalog\s*\.\s*pg_/i.test(sql)) return undefined;
  const sorted = [...tables].sort((a, b) => a.name.localeCompare(b.name));
  const oids = new Map(sorted.map((t, i) => [FIRST_TABLE_OID + i, t] as const));
  const byPattern = relnameFilter(sql);
  const matching = sorted.filter((t) => byPattern(t.name));

  if (/\bFROM\s+pg_catalog\.pg_class\s+c\b/i.test(sql) && /as\s+"Name"/i.test(sql)) {
    const kinds = /c\.relkind\s+IN\s*\(([^)]*)\)/i.exec(sql)?.[1] ?? "'r'";
    const shown = kinds.includes("'r'") ? matching : [];
    const aliases = [...sql.matchAll(/\bas\s+"([^"]+)"/gi)].map((m) => m[1] as string);
    const values: Readonly<Record<string, (t: CatalogTableInfo) => string | null>> = {
      Schema: () => CATALOG_SCHEMA,
      Name: (t) => t.name,
      Type: () => "table",
      Owner: () => CATALOG_OWNER,
      Persistence: () => "permanent",
      "Access method": () => "heap",
      Size: () => "0 bytes",
      Description: () => null,
    };
    return {
      fields: aliases.map(text),
      rows: shown.map((t) => aliases.map((a) => values[a]?.(t) ?? null)),
    };
  }
  if (/^\s*SELECT\s+c\.oid\s*,\s*n\.nspname\s*,\s*c\.relname\s+FROM\s+pg_catalog\.pg_class\s+c\b/i.test(sql))
    return {
      fields: [typed("oid", { oid: 26, size: 4 }), text("nspname"), text("relname")],
      rows: matching.map((t) => [String(oidOf(oids, t)), CATALOG_SCHEMA, t.name]),
    };
  const oid = Number(/\b(?:c\.oid|a\.attrelid)\s*=\s*'(\d+)'/i.exec(sql)?.[1] ?? Number.NaN);
  const table = oids.get(oid);
  if (/^\s*SELECT\s+c\.relchecks\s*,\s*c\.relkind/i.test(sql))
    return {
      fields: [
        "relchecks",
        "relkind",
        "relhasindex",
        "relhasrules",
        "relhastriggers",
        "relrowsecurity",
        "relforcerowsecurity",
        "relhasoids",
        "relispartition",
        "reloptions",
        "reltablespace",
        "reloftype",
        "relpersistence",
        "relreplident",
        "amname",
      ].map(text),
      rows:
        table === undefined
          ? []
          : [["0", "r", "f", "f", "f", "f", "f", "f", "f", "", "0", "", "p", "d", "heap"]],
    };
  if (/\bFROM\s+pg_catalog\.pg_attribute\s+a\b/i.test(sql) && /a\.attnum\s*>\s*0/i.test(sql)) {
    const verbose = /a\.attstorage/i.test(sql);
    const names = [
      "attname",
      "format_type",
      "attdefault",
      "attnotnull",
      "attcollation",
      "attidentity",
      "attgenerated",
    ];
    if (verbose) names.push("attstorage", "attstattarget", "description");
    return {
      fields: names.map(text),
      rows: (table?.columns ?? []).map((c) => {
        const row: (string | null)[] = [c.name, pgTypeOf(c.type).name, null, "f", null, "", ""];
        if (verbose) row.push("x", null, null);
        return row;
      }),
    };
  }
  // psql's other follow-ups about one of our tables (indexes, constraints, policies, statistics, publications,
  // inheritance, partitions): none of these exist here.
  const mentioned = [...sql.matchAll(/'(\d+)'/g)].some((m) => oids.has(Number(m[1])));
  if (mentioned) return { fields: [text("none")], rows: [] };
  return undefined;
}

const TYPE_NAMES: ReadonlyMap<number, string> = new Map(Object.values(PG_TYPES).map((t) => [t.oid, t.name]));

/**
 * psql's `\\gdesc`: after describing a statement it asks format_type() for each result column's type OID,
 * `SELECT name AS "Column", pg_catalog.format_type(tp, tpm) AS "Type" FROM (VALUES ('n', '20'::pg_catalog.oid, -1),
 * ...) s(name, tp, tpm)`; the names come from our own OIDs.
 */
function describedColumns(sql: string): CatalogAnswer | undefined {
  const m =
    /^\s*SELECT name AS "([^"]+)", pg_catalog\.format_type\(tp, tpm\) AS "([^"]+)"\s+FROM \(VALUES ([\s\S]*)\) s\(name, tp, tpm\)\s*;?\s*$/i.exec(
      sql,
    );
  if (m === null) return undefined;
  const rows: (string | null)[][] = [];
  for (const t of (m[3] as string).matchAll(/\(E?'((?:[^']|'')*)', '(\d+)'::pg_catalog\.oid, -?\d+\)/g))
    rows.push([(t[1] as string).replaceAll("''", "'"), TYPE_NAMES.get(Number(t[2])) ?? "text"]);
  return { fields: [text(m[1] as string), text(m[2] as string)], rows };
}

function oidOf(oids: ReadonlyMap<number, CatalogTableInfo>, table: CatalogTableInfo): number {
  for (const [oid, t] of oids) if (t === table) return oid;
  return 0;
}

/** psql's name pattern (`c.relname OPERATOR(pg_catalog.~) '^(jira.*)$'`) as a predicate; all names when absent. */
function relnameFilter(sql: string): (name: string) => boolean {
  const pattern = /c\.relname\s+(?:OPERATOR\s*\(\s*pg_catalog\.~\s*\)|~)\s+'((?:[^']|'')*)'/i.exec(sql)?.[1];
  if (pattern === undefined) return () => true;
  let re: RegExp;
  try {
    re = new RegExp(pattern.replaceAll("''", "'"));
  } catch {
    return () => false;
  }
  return (name) => re.test(name);
}
