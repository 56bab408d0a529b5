// Where a writer's batch comes from: rows already in DuckDB (a table or view the caller filled, or a SQL query,
// so the ingest stage can build a micro-batch by SQL transform) or JS row objects (tests, small callers). A query
// a writer reads twice runs once into a temp table; the caller's table is read in place, never changed or dropped.
import type { DuckDBType } from "@duckdb/node-api";
import { InvalidBatchError } from "../errors.js";
import { quoteIdent, quoteLiteral, tempName } from "../io/sql-text.js";
import { duckdbTypeOf } from "../table/duckdb-types.js";
import type { TableSchema } from "../table/schema.js";
import type { Table } from "../table/table.js";

export type BatchSource =
  /** A table or view on the table's DuckDB connection (e.g. a temp table the caller filled). */
  | { readonly table: string }
  /** A query on the table's DuckDB connection; it is run once. */
  | { readonly sql: string }
  /**
   * Row objects. Column types come from `columns` (DuckDB type names), else from the table's schema.
   * Values: JSON-like (bigint allowed; Date for timestamps; strings for dates and timestamps).
   */
  | {
      readonly rows: readonly Readonly<Record<string, unknown>>[];
      readonly columns?: Readonly<Record<string, string>>;
    };

export interface MaterializedBatch {
  /** A relation holding the batch, usable in SQL on the table's connection. */
  readonly name: string;
  readonly columnNames: readonly string[];
  readonly columnTypes: readonly DuckDBType[];
  /** Drops the temp objects made for the batch (never the caller's table). */
  drop(): Promise<void>;
}

export interface MaterializeOptions {
  /**
   * The writer reads the batch more than once, so a query is run once into a temp table (it may not be
   * deterministic). Otherwise a query becomes a view, read once. A caller's table is always read in place.
   */
  readonly stable: boolean;
}

/** Makes the batch a relation on the table's connection. Must run inside exclusive(table.duckdb). */
export async function materializeBatch(
  table: Table,
  source: BatchSource,
  schema: TableSchema | undefined,
  options: MaterializeOptions,
): Promise<MaterializedBatch> {
  const conn = table.duckdb;
  let name = tempName("batch");
  let drop = `DROP TABLE IF EXISTS ${name}`;
  if ("table" in source) {
    name = qualified(source.table);
    drop = "";
  } else if ("sql" in source) {
    if (options.stable)
      await conn.run(`CREATE TEMP TABLE ${name} AS SELECT * FROM (${source.sql}) AS __fx_sql`);
    else {
      await conn.run(`CREATE TEMP VIEW ${name} AS SELECT * FROM (${source.sql}) AS __fx_sql`);
      drop = `DROP VIEW IF EXISTS ${name}`;
    }
  } else {
    const columns =
      source.columns ??
      (schema === undefined
        ? undefined
        : Object.fromEntries(schema.fields.map((f) => [f.name, duckdbTypeOf(f.type)])));
    if (columns === undefined)
      throw new InvalidBatchError(
        table.url,
        "rows need `columns` (DuckDB types) when the table does not exist yet",
      );
    const names = Object.keys(columns);
    const structure = `{${names.map((n) => `${JSON.stringify(n)}: ${JSON.stringify(columns[n])}`).join(", ")}}`;
    const json = JSON.stringify(
      source.rows.map((r) => Object.fromEntries(names.map((n) => [n, r[n] ?? null]))),
      jsonValue,
    );
    const select = names.map((n) => `__fx_r.${quoteIdent(n)} AS ${quoteIdent(n)}`).join(", ");
    await conn.run(
      `CREATE TEMP TABLE ${name} AS SELECT ${select} FROM (SELECT unnest(from_json($1::JSON, ${quoteLiteral(`[${structure}]`)})) AS __fx_r)`,
      [json],
    );
  }
  const dropIt = async (): Promise<void> => {
    if (drop !== "") await conn.run(drop).catch(() => undefined);
  };
  try {
    const probe = await conn.run(`SELECT * FROM ${name} LIMIT 0`);
    return {
      name,
      columnNames: probe.columnNames(),
      columnTypes: probe.columnTypes() as DuckDBType[],
      drop: dropIt,
    };
  } catch (err) {
    await dropIt();
    throw err;
  }
}

/** The number of rows of a relation. Runs inside exclusive(). */
export async function countRows(table: Table, relation: string): Promise<number> {
  const reader = await table.duckdb.runAndReadAll(`SELECT count(*)::BIGINT FROM ${relation}`);
  return Number(reader.getRows()[0]?.[0] ?? 0);
}

function jsonValue(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

/** A possibly schema-qualified name: "a.b" becomes "a"."b"; an already quoted name is kept. */
function qualified(name: string): string {
  if (name.includes('"')) return name;
  return name.split(".").map(quoteIdent).join(".");
}

export async function dropTemp(table: Table, ...names: readonly string[]): Promise<void> {
  for (const n of names) await table.duckdb.run(`DROP TABLE IF EXISTS ${n}`).catch(() => undefined);
}
