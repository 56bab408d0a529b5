// Creates a table: version 0 holds the protocol (reader 1 / writer 2) and the metaData (schema, partition
// columns), through commit(). Creating a table that already exists with the same definition is not an error
// (two writers may race to create it); with another definition it is TableExistsError.
import { randomUUID } from "node:crypto";
import type { DuckDBType } from "@duckdb/node-api";
import { CommitConflictError, TableExistsError } from "../errors.js";
import { exclusive } from "../io/exclusive.js";
import { quoteIdent } from "../io/sql-text.js";
import { type MetadataAction, PROTOCOL } from "./actions.js";
import { commit } from "./commit.js";
import { DV_PROPERTY, DV_PROTOCOL } from "./deletion-vectors/table-features.js";
import { schemaOfColumns } from "./duckdb-types.js";
import { loadSnapshot } from "./load-snapshot.js";
import { checkTableDefinition, schemaDifferences, schemaString, type TableSchema } from "./schema.js";
import type { Snapshot } from "./snapshot.js";
import type { Table } from "./table.js";

export interface TableDefinition {
  readonly schema: TableSchema;
  readonly partitionColumns: readonly string[];
  readonly name?: string;
  readonly description?: string;
  readonly configuration?: Readonly<Record<string, string>>;
  /** Create the table with deletion vectors on (reader 3 / writer 7); default false (reader 1 / writer 2). */
  readonly deletionVectors?: boolean;
}

/** Creates the table (or finds the same one already there) and returns its snapshot. */
export async function createTable(table: Table, definition: TableDefinition): Promise<Snapshot> {
  checkTableDefinition(table.url, definition.schema, definition.partitionColumns);
  const metaData: MetadataAction = {
    id: randomUUID(),
    name: definition.name ?? null,
    description: definition.description ?? null,
    format: { provider: "parquet", options: {} },
    schemaString: schemaString(definition.schema),
    partitionColumns: [...definition.partitionColumns],
    configuration: {
      ...definition.configuration,
      ...(definition.deletionVectors === true ? { [DV_PROPERTY]: "true" } : {}),
    },
    createdTime: Date.now(),
  };
  try {
    const protocol = definition.deletionVectors === true ? DV_PROTOCOL : PROTOCOL;
    await commit(table, -1, [{ protocol }, { metaData }], {
      operation: "CREATE TABLE",
      operationParameters: { partitionBy: JSON.stringify(definition.partitionColumns) },
      maxAttempts: 1,
    });
  } catch (err) {
    if (!(err instanceof CommitConflictError)) throw err;
  }
  const snapshot = await loadSnapshot(table);
  const differences = schemaDifferences(snapshot.schema, definition.schema);
  if (JSON.stringify(snapshot.partitionColumns) !== JSON.stringify(definition.partitionColumns))
    differences.push(
      `partition columns are ${JSON.stringify(snapshot.partitionColumns)}, not ${JSON.stringify(definition.partitionColumns)}`,
    );
  if (differences.length > 0) throw new TableExistsError(table.url, differences.join("; "));
  return snapshot;
}

/**
 * A table schema from DuckDB column types, e.g. `{ id: "BIGINT", ts: "TIMESTAMPTZ", tags: "VARCHAR[]" }`:
 * DuckDB resolves the type names, deltaTypeOf maps them (and refuses what Delta 1/2 cannot hold).
 */
export async function schemaFromColumns(
  table: Table,
  columns: Readonly<Record<string, string>>,
): Promise<TableSchema> {
  const select = Object.entries(columns)
    .map(([name, type]) => `CAST(NULL AS ${type}) AS ${quoteIdent(name)}`)
    .join(", ");
  const result = await exclusive(table.duckdb, () => table.duckdb.run(`SELECT ${select} LIMIT 0`));
  return schemaOfColumns(result.columnNames(), result.columnTypes() as DuckDBType[]);
}
