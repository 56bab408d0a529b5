// A query result as text: an aligned table for people, CSV (RFC 4180) and JSON for programs. Pure.
import type { QueryResult, QueryValue } from "../session/query-result.js";

export const RESULT_FORMATS = Object.freeze(["table", "csv", "json"] as const);
export type ResultFormat = (typeof RESULT_FORMATS)[number];

export function isResultFormat(value: string): value is ResultFormat {
  return (RESULT_FORMATS as readonly string[]).includes(value);
}

export interface TableFormatOptions {
  /** Longer cell texts are cut with "…". */
  readonly maxCellWidth: number;
  readonly nullText: string;
}

export const TABLE_FORMAT_DEFAULTS: Readonly<TableFormatOptions> = Object.freeze({
  maxCellWidth: 60,
  nullText: "NULL",
});

export function formatResult(
  result: QueryResult,
  format: ResultFormat,
  options: Partial<TableFormatOptions> = {},
): string {
  switch (format) {
    case "json":
      return `${JSON.stringify({
        columns: result.columns,
        rows: result.rows,
        rowCount: result.rowCount,
        truncated: result.truncated,
      })}\n`;
    case "csv":
      return formatCsv(result);
    case "table":
      return formatTable(result, { ...TABLE_FORMAT_DEFAULTS, ...options });
  }
}

/** Header line and one line per row; NULL is an empty field; lists and structs are JSON text. */
export function formatCsv(result: QueryResult): string {
  const lines = [result.columns.map((c) => csvField(c.name)).join(",")];
  for (const row of result.rows) lines.push(row.map((v) => (v === null ? "" : csvField(text(v)))).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function text(value: QueryValue): string {
  if (value === null) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

const NUMERIC =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL)/;

function formatTable(result: QueryResult, o: TableFormatOptions): string {
  const cut = (s: string) => {
    const flat = s.replace(/[\r\n\t]/g, " ");
    return flat.length > o.maxCellWidth ? `${flat.slice(0, o.maxCellWidth - 1)}…` : flat;
  };
  const header = result.columns.map((c) => cut(c.name));
  const cells = result.rows.map((row) => row.map((v) => cut(v === null ? o.nullText : text(v))));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? "").length)));
  const right = result.columns.map((c) => NUMERIC.test(c.type));
  const line = (values: readonly string[], align: boolean) =>
    values
      .map((v, i) => (align && right[i] === true ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0)))
      .join(" | ")
      .trimEnd();
  const out = [line(header, false), widths.map((w) => "-".repeat(w)).join("-+-")];
  for (const row of cells) out.push(line(row, true));
  const n = result.rowCount;
  const footer = `(${n} row${n === 1 ? "" : "s"}${result.truncated ? `, cut at the row limit of ${n}` : ""})`;
  out.push(footer);
  return `${out.join("\n")}\n`;
}
