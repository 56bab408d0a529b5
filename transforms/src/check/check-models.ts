// Asks DuckDB about every compiled model before any data flows: binds its SQL against an empty source relation
// (wrapped as the lake wraps a batch query, `SELECT * FROM (<sql>) AS __fx_sql`) and checks the output has what
// its writer needs (keys, the workspace partition, LWW columns of the right types, no naive TIMESTAMP). The
// output columns are the target table's schema. Creates only temp tables of its own, and drops them.
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import type { SchemaRegistry } from "@facsimile/schemas";
import { ModelSqlError, type TransformError } from "../errors.js";
import type { CompiledModel } from "../models/compile-model.js";
import { writerColumns } from "../models/model-config.js";
import { snakeCase, sqlIdent } from "../names.js";
import { sourceTableDdl } from "../source/create-source-table.js";
import { sourceColumns, WORKSPACE_PARTITION_COLUMN } from "../source/source-columns.js";
import { sqlErrorOf } from "./sql-error.js";

export interface ModelColumn {
  readonly name: string;
  /** DuckDB type text, e.g. `VARCHAR`, `TIMESTAMP WITH TIME ZONE`, `VARCHAR[]`. */
  readonly type: string;
}

export interface CheckModelsOptions {
  /** Where to run the checks; undefined: a private in-memory DuckDB, closed afterwards. */
  readonly connection: DuckDBConnection | undefined;
}

export const CHECK_MODELS_DEFAULTS: Readonly<CheckModelsOptions> = Object.freeze({ connection: undefined });

export interface ModelsCheck {
  /** Output columns of every model that passed. */
  readonly columns: ReadonlyMap<string, readonly ModelColumn[]>;
  /** One error per failing model (ModelSqlError), in model order. */
  readonly errors: readonly TransformError[];
}

const NAIVE_TIMESTAMP = /\bTIMESTAMP(?:_S|_MS|_NS)?\b(?! WITH TIME ZONE)/;
const LWW_TYPES: Readonly<Record<string, readonly string[]>> = {
  generation: ["BIGINT", "INTEGER"],
  version: ["BIGINT", "INTEGER"],
  tombstone: ["BOOLEAN"],
  payloadHash: ["VARCHAR"],
};

/** What is wrong with a model's output columns for its writer, if anything. */
function outputProblem(model: CompiledModel, columns: readonly ModelColumn[]): string | undefined {
  const types = new Map<string, string>();
  for (const c of columns) {
    if (types.has(c.name)) return `the output has column ${c.name} twice; give each column one name`;
    types.set(c.name, c.type);
  }
  const missing = writerColumns(model.writer).filter((c) => !types.has(c));
  if (missing.length > 0)
    return (
      `the output lacks column(s) ${missing.join(", ")} that writer='${model.writer.kind}' needs ` +
      "(keys, partition_by, and for merges the envelope fields: {{ select_envelope_fields() }} and " +
      "{{ select_required_fields() }} provide them)"
    );
  if (types.get(WORKSPACE_PARTITION_COLUMN) !== "VARCHAR")
    return `${WORKSPACE_PARTITION_COLUMN} must be VARCHAR, got ${types.get(WORKSPACE_PARTITION_COLUMN)}`;
  if (model.writer.kind !== "append")
    for (const [role, name] of Object.entries(model.writer.lww)) {
      const type = types.get(name) ?? "";
      if (!(LWW_TYPES[role] ?? []).includes(type))
        return `LWW column ${name} must be ${(LWW_TYPES[role] ?? []).join(" or ")}, got ${type}`;
    }
  const naive = columns.find((c) => NAIVE_TIMESTAMP.test(c.type));
  if (naive !== undefined)
    return (
      `column ${naive.name} is ${naive.type}, a timestamp without time zone that Delta tables (writer 2) cannot ` +
      "hold; make it TIMESTAMPTZ ({{ timestamp('x') }} gives one from x_seconds/x_nanos)"
    );
  return undefined;
}

/**
 * How a model's SQL runs as a batch query (as @facsimile/lake's BatchSource `{ sql }` wraps it); the prefix adds no
 * line, so DuckDB's line numbers stay the SQL's.
 */
export function wrapModelSql(sql: string): string {
  return `SELECT * FROM (${sql}) AS __fx_sql`;
}

export async function checkModels(
  registry: SchemaRegistry,
  models: readonly CompiledModel[],
  options: Partial<CheckModelsOptions> = {},
): Promise<ModelsCheck> {
  const own = options.connection === undefined ? await DuckDBInstance.create(":memory:") : undefined;
  const connection = options.connection ?? (await (own as DuckDBInstance).connect());
  const suffix = Math.random().toString(36).slice(2, 8);
  const relation = (entity: string) => `__fx_check_${snakeCase(entity)}_${suffix}`;
  const created: string[] = [];
  const columns = new Map<string, readonly ModelColumn[]>();
  const errors: TransformError[] = [];
  try {
    for (const entity of new Set(models.flatMap((m) => m.entities))) {
      await connection.run(sourceTableDdl(relation(entity), sourceColumns(registry, entity), true));
      created.push(relation(entity));
    }
    for (const model of models) {
      const sql = model.sqlFor(relation);
      const lastLine = sql.trimEnd().split("\n").at(-1) ?? "";
      const trailing = lastLine.endsWith(";")
        ? "a semicolon"
        : lastLine.includes("--")
          ? "a line comment"
          : undefined;
      if (trailing !== undefined) {
        errors.push(
          new ModelSqlError(
            { model: model.name, file: model.file },
            `the SQL ends with ${trailing}; a model is one query that the ingest stage wraps in a subquery, so drop it`,
          ),
        );
        continue;
      }
      let output: ModelColumn[];
      try {
        const result = await connection.run(`${wrapModelSql(sql)} LIMIT 0`);
        const types = result.columnTypes();
        output = result.columnNames().map((name, i) => ({ name, type: String(types[i]) }));
      } catch (err) {
        errors.push(sqlErrorOf(model, sql, err, "DuckDB rejects the compiled SQL"));
        continue;
      }
      const problem = outputProblem(model, output);
      if (problem === undefined) columns.set(model.name, output);
      else errors.push(new ModelSqlError({ model: model.name, file: model.file }, problem));
    }
  } finally {
    for (const name of created)
      await connection.run(`DROP TABLE IF EXISTS ${sqlIdent(name)}`).catch(() => undefined);
    if (own !== undefined) {
      connection.closeSync();
      own.closeSync();
    }
  }
  return { columns, errors };
}
