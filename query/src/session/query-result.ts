// A query's result as plain JSON values: DuckDB's JSON conversion (timestamps and decimals as text, lists and
// structs as JSON), with top-level integers wider than 32 bits as numbers when they are safe and as exact
// strings otherwise. Read from DuckDB chunk by chunk and value by value, so the byte limit holds while the
// result comes in: a result is never converted whole before it is measured. Cuts the rows at the row limit.
import {
  type DuckDBResult,
  DuckDBTypeId,
  type DuckDBValue,
  JsonDuckDBValueConverter,
} from "@duckdb/node-api";
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

export function resultTooLarge(maxResultBytes: number): QuerySqlError {
  return new QuerySqlError(
    "RESULT_TOO_LARGE",
    `the result is larger than the limit of ${maxResultBytes} bytes: select fewer columns or rows`,
    { context: { maxResultBytes } },
  );
}

/** Where a streamed result goes: the columns once, then the rows of each DuckDB chunk as they are read. */
export interface ResultSink {
  columns(columns: readonly QueryColumn[]): Promise<void>;
  rows(rows: readonly (readonly QueryValue[])[]): Promise<void>;
}

/**
 * Reads a streaming result: at most maxRows + 1 rows, each value converted and measured (JSON text length) as
 * it is read, failing with RESULT_TOO_LARGE the moment the rows read so far pass maxResultBytes.
 * `check` runs between chunks (the caller's deadline). With a sink, the rows go to it chunk by chunk and the
 * returned result holds none of them (its rowCount and truncated still say how many there were).
 */
export async function readQueryResult(
  result: DuckDBResult,
  limits: ResultLimits,
  startedAt: number,
  check: () => void = () => {},
  sink?: ResultSink,
): Promise<QueryResult> {
  const count = result.columnCount;
  const columns: QueryColumn[] = [];
  const wide: boolean[] = [];
  for (let i = 0; i < count; i++) {
    columns.push({ name: result.columnName(i), type: result.columnType(i).toString() });
    wide.push(WIDE_INTEGERS.has(result.columnTypeId(i)));
  }
  await sink?.columns(columns);
  const rows: QueryValue[][] = [];
  let rowCount = 0;
  let bytes = 2;
  let truncated = false;
  while (!truncated) {
    check();
    const chunk = await result.fetchChunk();
    check();
    if (chunk === null || chunk.rowCount === 0) break;
    const vectors = Array.from({ length: count }, (_, i) => chunk.getColumnVector(i));
    const batch: QueryValue[][] = sink === undefined ? rows : [];
    for (let r = 0; r < chunk.rowCount; r++) {
      if (rowCount === limits.maxRows) {
        truncated = true;
        break;
      }
      const row: QueryValue[] = new Array(count);
      bytes += 3;
      for (let c = 0; c < count; c++) {
        const vector = vectors[c] as (typeof vectors)[number];
        const raw = vector.getItem(r) as DuckDBValue;
        let value = (
          raw === null ? null : JsonDuckDBValueConverter(raw, vector.type, JsonDuckDBValueConverter)
        ) as QueryValue;
        if (wide[c] === true && typeof value === "string") {
          const n = Number(value);
          if (Number.isSafeInteger(n)) value = n;
        }
        bytes += jsonLength(value) + 1;
        if (bytes > limits.maxResultBytes) throw resultTooLarge(limits.maxResultBytes);
        row[c] = value;
      }
      batch.push(row);
      rowCount++;
    }
    if (sink !== undefined && batch.length > 0) await sink.rows(batch);
  }
  return {
    columns,
    rows,
    rowCount,
    truncated,
    elapsedMs: Math.round(performance.now() - startedAt),
  };
}

/** JSON text length of a value; strings are measured without building their JSON text. */
function jsonLength(value: QueryValue): number {
  if (value === null) return 4;
  if (typeof value === "string") return value.length + 2;
  if (typeof value === "object") return JSON.stringify(value).length;
  return String(value).length;
}
