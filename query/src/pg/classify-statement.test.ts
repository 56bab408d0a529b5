// What the endpoint answers itself (transaction control, client settings, SHOW, PREPARE/EXECUTE) and what goes
// to the sandbox: anything else, including every setting the sandbox must refuse.
import { describe, expect, it } from "vitest";
import { classifyStatement } from "./classify-statement.js";

const kind = (sql: string) => classifyStatement(sql).kind;

describe("classifyStatement", () => {
  it("answers transaction control and the client settings drivers send", () => {
    expect(classifyStatement("BEGIN")).toEqual({ kind: "transaction", tag: "BEGIN", status: "T" });
    expect(kind("begin transaction isolation level read committed, read only")).toBe("transaction");
    expect(classifyStatement("commit;")).toEqual({ kind: "transaction", tag: "COMMIT", status: "I" });
    expect(kind("ROLLBACK")).toBe("transaction");
    for (const sql of [
      "SET extra_float_digits = 3",
      "SET application_name = 'x'",
      "SET TIME ZONE 'UTC'",
      "RESET ALL",
    ])
      expect(kind(sql), sql).toBe("setting");
    expect(classifyStatement("SHOW transaction isolation level")).toEqual({
      kind: "show",
      name: "transaction_isolation",
    });
    expect(kind("")).toBe("empty");
  });

  it("sends the sandbox's business to the sandbox, where it is refused", () => {
    for (const sql of [
      "SET threads = 64",
      "SET enable_external_access = true",
      "RESET lock_configuration",
      "BEGIN; DROP TABLE x",
      "SET application_name = 'x'; COPY t TO '/tmp/x'",
      "SHOW TABLES",
      "  -- only a comment\n",
      "SELECT 1",
    ])
      expect(kind(sql), sql).toBe("query");
  });

  it("reads PREPARE, EXECUTE with its arguments, and DEALLOCATE", () => {
    expect(classifyStatement("PREPARE q (text) AS SELECT $1")).toEqual({
      kind: "prepare",
      name: "q",
      sql: "SELECT $1",
    });
    expect(classifyStatement("EXECUTE Q('a,b', f(1, 2))")).toEqual({
      kind: "execute",
      name: "q",
      args: ["'a,b'", "f(1, 2)"],
    });
    expect(classifyStatement("DEALLOCATE ALL")).toEqual({ kind: "deallocate", name: undefined });
  });
});
