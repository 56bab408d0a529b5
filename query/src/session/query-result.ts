// A query's result as plain JSON values: DuckDB's JSON conversion (timestamps and decimals as text, lists and
// structs as JSON), with top-level integers wider than 32 bits as numbers when they are safe and as exact
// strings otherwise. Cuts the rows at the row limit and refuses results above the byte limit.
import { type DuckDBResultReader, DuckDBTypeId } from "@duckdb/node-api";
import { QuerySqlError } from "../errors.js";

export type QueryValue = null | boolean | number | string | QueryValue[] | { [key: string]: QueryValue };

export interface QueryColumn {
  readonly name: string;
  /** DuckDB type text, e.g. VARCHAR, BIGINT, TIMESTAMP WITH TIME ZONE. */
  readonly type: string;
}

export interface QueryResult {
  readonly columns: readonly QueryColumn[];
  readonly rows: readonly (readonly QueryValue[])[];
  /** Rows returned (at most the row limit). */
  readonly rowCount: number;
  /** True when the query had more rows than the row limit; only the first ones are returned. */
  readonly truncated: boolean;
  readonly elapsedMs: number;
}

const WIDE_INTEGERS: ReadonlySet<DuckDBTypeId> = new Set([
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UHUGEINT,
]);

export interface ResultLimits {
  readonly maxRows: number;
  readonly maxResultBytes: number;
}

export function toQueryResult(
  reader: DuckDBResultReader,
  limits: ResultLimits,
  startedAt: number,
): QueryResult {
  const columns = reader.columnNames().map((name, i) => ({ name, type: reader.columnType(i).toString() }));
  const wide = columns.map((_, i) => WIDE_INTEGERS.has(reader.columnTypeId(i)));
  const all = reader.getRowsJson() as QueryValue[][];
  const truncated = all.length > limits.maxRows;
  const rows = truncated ? all.slice(0, limits.maxRows) : all;
  let bytes = 0;
  for (const row of rows) {
    for (let i = 0; i < row.length; i++) {
      const v = row[i];
      if (wide[i] === true && typeof v === "string") {
        const n = Number(v);
        if (Number.isSafeInteger(n)) row[i] = n;
      }
    }
    bytes += JSON.stringify(row).length;
    if (bytes > limits.maxResultBytes)
      throw new QuerySqlError(
        "RESULT_TOO_LARGE",
        `the result is larger than the limit of ${limits.maxResultBytes} bytes: select fewer columns or rows`,
        { context: { maxResultBytes: limits.maxResultBytes } },
      );
  }
  return {
    columns,
    rows,
    rowCount: rows.length,
    truncated,
    elapsedMs: Math.round(performance.now() - startedAt),
  };
}
