// Parameters become literals only where they are placeholders: never inside strings, quoted names or comments.
import { describe, expect, it } from "vitest";
import { bindExpressions, bindParameters, countParameters } from "./bind-parameters.js";

describe("bindParameters", () => {
  it("replaces $n with quoted literals, cast by the declared type, NULL for null", () => {
    expect(bindParameters("SELECT $1, $2, $3", ["it's", "42", null], [0, 23, 25])).toBe(
      "SELECT 'it''s', CAST('42' AS INTEGER), NULL",
    );
    expect(bindParameters("SELECT $2 || $1", ["a", "b"])).toBe("SELECT 'b' || 'a'");
  });

  it("leaves $n inside strings, quoted identifiers and comments alone", () => {
    const sql = `SELECT '$1', "$1", $1 -- $2\n/* $2 */ FROM t WHERE a = 'x''$2'`;
    expect(countParameters(sql)).toBe(1);
    expect(bindParameters(sql, ["v"])).toBe(
      `SELECT '$1', "$1", 'v' -- $2\n/* $2 */ FROM t WHERE a = 'x''$2'`,
    );
  });

  it("refuses a placeholder without a value", () => {
    expect(() => bindParameters("SELECT $1, $2", ["a"])).toThrow(RangeError);
  });

  it("puts EXECUTE's argument expressions in parentheses", () => {
    expect(bindExpressions("SELECT $1 + 1", ["2 * 3"])).toBe("SELECT (2 * 3) + 1");
  });
});
