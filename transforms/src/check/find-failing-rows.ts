// Per-record error isolation: when a model fails on a loaded source (a CAST that a value does not survive, say),
// finds exactly which source rows make it fail by bisecting the source's rowid range, running the model over a
// view of each half. The caller dead-letters those records, deletes them from the source and runs the models
// again, so good records keep flowing. Assumes a row's failure does not depend on the other rows (true of
// row-wise SQL; a model that aggregates across rows gets a clear error instead). Writes only temp objects.
import type { DuckDBConnection } from "@duckdb/node-api";
import { ModelSqlError } from "../errors.js";
import type { CompiledModel } from "../models/compile-model.js";
import { sourceRelationName, sqlIdent } from "../names.js";
import { wrapModelSql } from "./check-models.js";
import { sqlErrorOf } from "./sql-error.js";

/** One source row the model cannot process. */
export interface FailingRow {
  /** DuckDB rowid in the source table: `DELETE FROM <source> WHERE rowid IN (...)` removes it. */
  readonly rowid: bigint;
  readonly resourceAri: string;
  readonly kafkaPartition: number;
  readonly kafkaOffset: bigint;
  /** What DuckDB said when the model ran over this row alone. */
  readonly error: ModelSqlError;
}

export interface FindFailingRowsOptions {
  /** The relation the model's entity was loaded into (a table: rowids are needed). */
  readonly sourceRelation: (entity: string) => string;
}

export const FIND_FAILING_ROWS_DEFAULTS: Readonly<FindFailingRowsOptions> = Object.freeze({
  sourceRelation: sourceRelationName,
});

/** The failing rows of the model's source, sorted by rowid; empty when the model runs over all of it. */
export async function findFailingRows(
  connection: DuckDBConnection,
  model: CompiledModel,
  options: Partial<FindFailingRowsOptions> = {},
): Promise<FailingRow[]> {
  const o = { ...FIND_FAILING_ROWS_DEFAULTS, ...options };
  const entity = model.entities[0] as string;
  const source = sqlIdent(o.sourceRelation(entity));
  const tag = Math.random().toString(36).slice(2, 10);
  const view = `__fx_probe_src_${tag}`;
  const out = `__fx_probe_out_${tag}`;
  const sql = model.sqlFor(() => view);

  /** Runs the model over rowids [lo, hi); the error when it fails. */
  const probe = async (lo: bigint, hi: bigint): Promise<ModelSqlError | undefined> => {
    await connection.run(
      `CREATE OR REPLACE TEMP VIEW ${view} AS SELECT * FROM ${source} WHERE rowid >= ${lo} AND rowid < ${hi}`,
    );
    try {
      await connection.run(`CREATE OR REPLACE TEMP TABLE ${out} AS ${wrapModelSql(sql)}`);
      return undefined;
    } catch (err) {
      return sqlErrorOf(model, sql, err, "the model fails on source rows");
    } finally {
      await connection.run(`DROP TABLE IF EXISTS ${out}`);
    }
  };

  const failing = new Map<bigint, ModelSqlError>();
  const bisect = async (lo: bigint, hi: bigint, error: ModelSqlError): Promise<void> => {
    if (hi - lo === 1n) {
      failing.set(lo, error);
      return;
    }
    const mid = lo + (hi - lo) / 2n;
    for (const [a, b] of [
      [lo, mid],
      [mid, hi],
    ] as const) {
      const e = await probe(a, b);
      if (e !== undefined) await bisect(a, b, e);
    }
  };

  try {
    const range = await connection.runAndReadAll(`SELECT min(rowid), max(rowid) FROM ${source}`);
    const [min, max] = (range.getRows()[0] ?? []) as (bigint | null)[];
    if (min === null || min === undefined || max === null || max === undefined) return [];
    const whole = await probe(min, max + 1n);
    if (whole === undefined) return [];
    const empty = await probe(0n, 0n);
    if (empty !== undefined) throw empty;
    await bisect(min, max + 1n, whole);
    if (failing.size === 0)
      throw new ModelSqlError(
        { model: model.name, file: model.file },
        `the model fails on the batch but on no single row, so no record can be dead-lettered: ${whole.message}`,
        { cause: whole },
      );
  } finally {
    await connection.run(`DROP VIEW IF EXISTS ${view}`);
  }
  const ids = [...failing.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const rows = await connection.runAndReadAll(
    `SELECT rowid, envelope_fields_resource_ari_value, _kafka_partition, _kafka_offset FROM ${source} ` +
      `WHERE rowid IN (${ids.join(", ")}) ORDER BY rowid`,
  );
  return rows.getRows().map(([rowid, ari, partition, offset]) => ({
    rowid: rowid as bigint,
    resourceAri: ari as string,
    kafkaPartition: partition as number,
    kafkaOffset: offset as bigint,
    error: failing.get(rowid as bigint) as ModelSqlError,
  }));
}
