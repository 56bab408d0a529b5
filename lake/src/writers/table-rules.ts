// The rules a table's metadata sets for every writer (Delta writer versions 2 and up): `delta.appendOnly=true`
// forbids removing rows; column invariants (`delta.invariants` in a field's metadata), NOT NULL columns
// (nullable: false) and CHECK constraints (`delta.constraints.<name>`) bind every row written. Checked before
// anything is committed; a batch that breaks one is refused whole with a typed error naming the rule and the
// first offending rows. Constraint expressions are Spark SQL; DuckDB evaluates the common subset (comparisons,
// boolean logic, IS NULL, IN, LIKE, arithmetic). One it cannot evaluate refuses the write: never skipped.
import {
  AppendOnlyViolationError,
  ConstraintViolationError,
  isLakeError,
  UnsupportedTableFeatureError,
} from "../errors.js";
import { quoteIdent } from "../io/sql-text.js";
import type { Action } from "../table/actions.js";
import type { Snapshot } from "../table/snapshot.js";
import type { Table } from "../table/table.js";

/** Rows of a violating batch put in the error (for the dead-letter topic and the message). */
const SAMPLE_ROWS = 20;

export function isAppendOnly(snapshot: Pick<Snapshot, "metadata">): boolean {
  return snapshot.metadata.configuration["delta.appendOnly"]?.toLowerCase() === "true";
}

/** Throws AppendOnlyViolationError when `actions` remove data from an append-only table. */
export function checkAppendOnly(table: Table, snapshot: Snapshot, actions: readonly Action[]): void {
  if (!isAppendOnly(snapshot)) return;
  const removes = actions.filter((a) => "remove" in a && a.remove.dataChange !== false).length;
  if (removes > 0)
    throw new AppendOnlyViolationError(
      table.url,
      `the write would remove ${removes} data file(s) (rows updated or deleted); only appends are allowed`,
      { removes },
    );
}

export interface TableConstraint {
  /** "CHECK constraint x", "invariant of column c", "NOT NULL column c". */
  readonly name: string;
  /** A DuckDB boolean expression over the table's columns; a row passes when it is true. */
  readonly sql: string;
  /** The expression as the table states it. */
  readonly expression: string;
}

/** Every row-level rule of the table. */
export function tableConstraints(snapshot: Pick<Snapshot, "schema" | "metadata">): TableConstraint[] {
  const out: TableConstraint[] = [];
  for (const f of snapshot.schema.fields) {
    if (f.nullable === false)
      out.push({
        name: `NOT NULL column ${JSON.stringify(f.name)}`,
        sql: `${quoteIdent(f.name)} IS NOT NULL`,
        expression: `${f.name} IS NOT NULL`,
      });
    const invariant = invariantOf(f.metadata["delta.invariants"]);
    if (invariant !== undefined)
      out.push({
        name: `invariant of column ${JSON.stringify(f.name)}`,
        sql: sparkToDuckDb(invariant),
        expression: invariant,
      });
  }
  for (const [key, value] of Object.entries(snapshot.metadata.configuration)) {
    if (!key.startsWith("delta.constraints.")) continue;
    out.push({
      name: `CHECK constraint ${JSON.stringify(key.slice("delta.constraints.".length))}`,
      sql: sparkToDuckDb(value),
      expression: value,
    });
  }
  return out;
}

/**
 * Throws ConstraintViolationError for the first rule some row of `relation` breaks (a row passes only when the
 * rule is true: false and NULL both fail, as in Delta). Runs inside exclusive().
 */
export async function checkConstraints(table: Table, snapshot: Snapshot, relation: string): Promise<void> {
  for (const c of tableConstraints(snapshot)) {
    const failing = `NOT coalesce((${c.sql}), false)`;
    let count: number;
    let rows: Record<string, unknown>[];
    try {
      const reader = await table.duckdb.runAndReadAll(
        `SELECT count(*)::BIGINT FROM ${relation} AS __fx_c WHERE ${failing}`,
      );
      count = Number(reader.getRows()[0]?.[0] ?? 0);
      if (count === 0) continue;
      const sample = await table.duckdb.runAndReadAll(
        `SELECT * FROM ${relation} AS __fx_c WHERE ${failing} LIMIT ${SAMPLE_ROWS}`,
      );
      rows = sample.getRowObjectsJson() as Record<string, unknown>[];
    } catch (err) {
      if (isLakeError(err)) throw err;
      throw new UnsupportedTableFeatureError(
        table.url,
        "write",
        [c.name],
        `its expression ${JSON.stringify(c.expression)} cannot be evaluated here: ${String(err)}`,
      );
    }
    throw new ConstraintViolationError(table.url, c.name, c.expression, count, rows);
  }
}

/** The expression of a `delta.invariants` field metadata value: `{"expression":{"expression":"x > 3"}}`. */
function invariantOf(value: unknown): string | undefined {
  let v = value;
  if (typeof v === "string") {
    try {
      v = JSON.parse(v);
    } catch {
      return v as string;
    }
  }
  const e = (v as { expression?: { expression?: unknown } } | null)?.expression?.expression;
  return typeof e === "string" ? e : undefined;
}

/** Spark SQL identifiers in backticks become DuckDB's double-quoted ones; the rest is the common subset. */
export function sparkToDuckDb(expression: string): string {
  return expression.replace(/`((?:[^`]|``)*)`/g, (_, name: string) => quoteIdent(name.replaceAll("``", "`")));
}
