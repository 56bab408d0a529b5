// Creates an entity's source relation as a DuckDB temp table on the caller's connection, empty, with the
// columns of sourceColumns(). It never reads or writes the lake: the ingest stage fills it (loadSourceRows) and
// runs the entity's compiled models over it.
import type { DuckDBConnection } from "@duckdb/node-api";
import type { SchemaRegistry } from "@facsimile/schemas";
import { sourceRelationName, sqlIdent } from "../names.js";
import { type SourceColumn, sourceColumns } from "./source-columns.js";

/** A created source relation: what loadSourceRows appends to and what models read. */
export interface SourceTable {
  readonly entity: string;
  /** The entity type id records of this entity carry. */
  readonly entityType: number;
  /** The temp table's name (an unquoted identifier). */
  readonly name: string;
  readonly columns: readonly SourceColumn[];
}

export interface CreateSourceTableOptions {
  /** Table name; undefined: sourceRelationName(entity), what compiled models read by default. */
  readonly name: string | undefined;
  /** Replace a table of the same name (a new micro-batch); false: fail if it exists. */
  readonly replace: boolean;
}

export const CREATE_SOURCE_TABLE_DEFAULTS: Readonly<CreateSourceTableOptions> = Object.freeze({
  name: undefined,
  replace: true,
});

/** The CREATE statement of a source table (also used by checks on empty sources). */
export function sourceTableDdl(name: string, columns: readonly SourceColumn[], replace: boolean): string {
  const defs = columns.map((c) => `${sqlIdent(c.name)} ${c.type}${c.nullable ? "" : " NOT NULL"}`);
  return `CREATE ${replace ? "OR REPLACE " : ""}TEMP TABLE ${sqlIdent(name)} (\n  ${defs.join(",\n  ")}\n)`;
}

export async function createSourceTable(
  connection: DuckDBConnection,
  registry: SchemaRegistry,
  entity: string,
  options: Partial<CreateSourceTableOptions> = {},
): Promise<SourceTable> {
  const o = { ...CREATE_SOURCE_TABLE_DEFAULTS, ...options };
  const info = registry.entity(entity);
  const columns = sourceColumns(registry, info.name);
  const name = o.name ?? sourceRelationName(info.name);
  await connection.run(sourceTableDdl(name, columns, o.replace));
  return Object.freeze({ entity: info.name, entityType: info.entityType, name, columns });
}
