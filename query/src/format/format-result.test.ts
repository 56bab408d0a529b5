import { describe, expect, it } from "vitest";
import type { QueryResult } from "../session/query-result.js";
import { formatResult, isResultFormat } from "./format-result.js";

const result: QueryResult = {
  columns: [
    { name: "month", type: "VARCHAR" },
    { name: "issues", type: "BIGINT" },
    { name: "labels", type: "VARCHAR[]" },
  ],
  rows: [
    ["2024-01", 3, ["a", "b"]],
    ['say "hi", twice', 12, null],
  ],
  rowCount: 2,
  truncated: false,
  elapsedMs: 4,
};

describe("formatResult", () => {
  it("prints an aligned table with numbers on the right and NULL spelled out", () => {
    expect(formatResult(result, "table")).toBe(
      [
        "month           | issues | labels",
        "----------------+--------+----------",
        '2024-01         |      3 | ["a","b"]',
        'say "hi", twice |     12 | NULL',
        "(2 rows)",
        "",
      ].join("\n"),
    );
    expect(
      formatResult({ ...result, rows: [["x", 1, null]], rowCount: 1, truncated: true }, "table"),
    ).toMatch(/\(1 row, cut at the row limit of 1\)\n$/);
  });

  it("prints RFC 4180 CSV: quotes where needed, empty for NULL, lists as JSON", () => {
    expect(formatResult(result, "csv")).toBe(
      'month,issues,labels\r\n2024-01,3,"[""a"",""b""]"\r\n"say ""hi"", twice",12,\r\n',
    );
  });

  it("prints JSON with the columns, rows and whether they were cut", () => {
    expect(JSON.parse(formatResult(result, "json"))).toEqual({
      columns: result.columns,
      rows: result.rows,
      rowCount: 2,
      truncated: false,
    });
    expect(isResultFormat("csv")).toBe(true);
    expect(isResultFormat("xml")).toBe(false);
  });
});
