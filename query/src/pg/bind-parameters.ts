// Puts a prepared statement's parameter values into its SQL as literals ($1 -> '2024-01' or
// CAST('42' AS INTEGER)), skipping $n inside quoted strings, quoted identifiers and comments. The result is then
// one more analyst query: it goes through the same statement check as any other, so a parameter can only ever be
// a value. Pure.
import { quoteLiteral } from "@facsimile/lake";

/** Casts for the parameter type OIDs clients declare; 0 (unspecified) leaves DuckDB to infer from the literal. */
const CAST_OF: Readonly<Record<number, string>> = Object.freeze({
  16: "BOOLEAN",
  20: "BIGINT",
  21: "SMALLINT",
  23: "INTEGER",
  700: "FLOAT",
  701: "DOUBLE",
  1700: "DECIMAL(38,10)",
  1082: "DATE",
  1114: "TIMESTAMP",
  1184: "TIMESTAMPTZ",
  2950: "UUID",
});

/** Highest $n used in the SQL (outside strings and comments): the statement's parameter count. */
export function countParameters(sql: string): number {
  let max = 0;
  scan(sql, (n) => {
    max = Math.max(max, n);
    return undefined;
  });
  return max;
}

/** `sql` with each $n replaced by the literal of values[n-1]; throws RangeError when a value is missing. */
export function bindParameters(
  sql: string,
  values: readonly (string | null)[],
  types: readonly number[] = [],
): string {
  return scan(sql, (n) => {
    if (n > values.length) throw new RangeError(`parameter $${n} has no value (${values.length} given)`);
    const v = values[n - 1] ?? null;
    if (v === null) return "NULL";
    const cast = CAST_OF[types[n - 1] ?? 0];
    return cast === undefined ? quoteLiteral(v) : `CAST(${quoteLiteral(v)} AS ${cast})`;
  });
}

/** `sql` with each $n replaced by the SQL expression exprs[n-1] (SQL-level EXECUTE name(expr, ...)). */
export function bindExpressions(sql: string, exprs: readonly string[]): string {
  return scan(sql, (n) => {
    const e = exprs[n - 1];
    if (e === undefined) throw new RangeError(`parameter $${n} has no value (${exprs.length} given)`);
    return `(${e})`;
  });
}

/** Walks the SQL, calling `at` for each $n placeholder; a returned string replaces it. */
function scan(sql: string, at: (n: number) => string | undefined): string {
  let out = "";
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] as string;
    const next = sql[i + 1];
    let end = i + 1;
    if (c === "'" || c === '"') {
      end = i + 1;
      for (;;) {
        const q = sql.indexOf(c, end);
        if (q < 0) {
          end = sql.length;
          break;
        }
        if (sql[q + 1] === c) end = q + 2;
        else {
          end = q + 1;
          break;
        }
      }
    } else if (c === "-" && next === "-") {
      const nl = sql.indexOf("\n", i);
      end = nl < 0 ? sql.length : nl;
    } else if (c === "/" && next === "*") {
      const close = sql.indexOf("*/", i + 2);
      end = close < 0 ? sql.length : close + 2;
    } else if (c === "$" && /[0-9]/.test(next ?? "") && !/[A-Za-z0-9_]/.test(sql[i - 1] ?? "")) {
      const digits = /^[0-9]+/.exec(sql.slice(i + 1))?.[0] ?? "";
      end = i + 1 + digits.length;
      const replaced = at(Number(digits));
      if (replaced !== undefined) {
        out += replaced;
        i = end;
        continue;
      }
    }
    out += sql.slice(i, end);
    i = end;
  }
  return out;
}
