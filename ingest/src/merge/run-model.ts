// Runs one model's SQL over its loaded source relation into a table of the in-memory database (not a temp table:
// the writer may run on another connection of the same DuckDB instance), ready for its writer. When it fails on
// the batch, transforms' findFailingRows isolates the records that break it (a model that fails on an empty
// source, or on no single row, is broken for everyone and throws); those are removed from the source and
// returned for dead-lettering, and the model runs again over the rest. It writes no lake table.
import { type Table, tempName } from "@facsimile/lake";
import { type CompiledModel, type FailingRow, findFailingRows, wrapModelSql } from "@facsimile/transforms";

type Conn = Table["duckdb"];

export interface ModelOutput {
  /** In-memory table with the model's output (the caller drops it). */
  readonly table: string;
  /** Source rows the model failed on; they were deleted from the source relation. */
  readonly failed: readonly FailingRow[];
}

async function create(conn: Conn, name: string, sql: string): Promise<unknown> {
  try {
    await conn.run(`CREATE OR REPLACE TABLE ${name} AS ${wrapModelSql(sql)}`);
    return undefined;
  } catch (err) {
    return err ?? new Error("DuckDB failed without an error");
  }
}

export async function runModel(conn: Conn, model: CompiledModel, source: string): Promise<ModelOutput> {
  const out = tempName("model_out");
  if ((await create(conn, out, model.sql)) === undefined) return { table: out, failed: [] };
  const failed = await findFailingRows(conn, model, { sourceRelation: () => source });
  if (failed.length > 0)
    await conn.run(`DELETE FROM ${source} WHERE rowid IN (${failed.map((f) => f.rowid).join(", ")})`);
  const again = await create(conn, out, model.sql);
  if (again !== undefined) throw again;
  return { table: out, failed };
}
