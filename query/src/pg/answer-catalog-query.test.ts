// psql 15's catalog queries (as `psql -E` prints them) answered from the session's table list.
import { describe, expect, it } from "vitest";
import { answerCatalogQuery, FIRST_TABLE_OID } from "./answer-catalog-query.js";

const TABLES = [
  { name: "jira_project", columns: [{ name: "key", type: "VARCHAR" }] },
  {
    name: "jira_issue",
    columns: [
      { name: "workspace_id", type: "VARCHAR" },
      { name: "created_at", type: "TIMESTAMP WITH TIME ZONE" },
      { name: "vote_count", type: "INTEGER" },
    ],
  },
];

const LIST = `SELECT n.nspname as "Schema",
  c.relname as "Name",
  CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' END as "Type",
  pg_catalog.pg_get_userbyid(c.relowner) as "Owner"
FROM pg_catalog.pg_class c
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r','p','')
  AND pg_catalog.pg_table_is_visible(c.oid)
ORDER BY 1,2;`;

const FIND = `SELECT c.oid,
  n.nspname,
  c.relname
FROM pg_catalog.pg_class c
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relname OPERATOR(pg_catalog.~) '^(jira_i.*)$' COLLATE pg_catalog.default
  AND pg_catalog.pg_table_is_visible(c.oid)
ORDER BY 2, 3;`;

const ISSUE_OID = FIRST_TABLE_OID; // jira_issue sorts first

describe("answerCatalogQuery", () => {
  it("lists the tables for \\dt, sorted, and none for \\dv", () => {
    const answer = answerCatalogQuery(LIST, TABLES);
    expect(answer?.fields.map((f) => f.name)).toEqual(["Schema", "Name", "Type", "Owner"]);
    expect(answer?.rows).toEqual([
      ["main", "jira_issue", "table", "facsimile"],
      ["main", "jira_project", "table", "facsimile"],
    ]);
    expect(answerCatalogQuery(LIST.replace("('r','p','')", "('v','')"), TABLES)?.rows).toEqual([]);
  });

  it("answers \\d's lookup, table info and columns with PostgreSQL type names", () => {
    expect(answerCatalogQuery(FIND, TABLES)?.rows).toEqual([[String(ISSUE_OID), "main", "jira_issue"]]);
    const info = answerCatalogQuery(
      `SELECT c.relchecks, c.relkind, c.relhasindex FROM pg_catalog.pg_class c WHERE c.oid = '${ISSUE_OID}';`,
      TABLES,
    );
    expect(info?.rows[0]?.[1]).toBe("r");
    const columns = answerCatalogQuery(
      `SELECT a.attname FROM pg_catalog.pg_attribute a WHERE a.attrelid = '${ISSUE_OID}' AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum;`,
      TABLES,
    );
    expect(columns?.rows.map((r) => [r[0], r[1]])).toEqual([
      ["workspace_id", "text"],
      ["created_at", "timestamp with time zone"],
      ["vote_count", "integer"],
    ]);
  });

  it("names the column types of psql's \\gdesc", () => {
    const sql =
      `SELECT name AS "Column", pg_catalog.format_type(tp, tpm) AS "Type"\n` +
      `FROM (VALUES ('n', '20'::pg_catalog.oid, -1),('it''s', '1184'::pg_catalog.oid, -1)) s(name, tp, tpm)`;
    expect(answerCatalogQuery(sql, TABLES)).toEqual({
      fields: [expect.objectContaining({ name: "Column" }), expect.objectContaining({ name: "Type" })],
      rows: [
        ["n", "bigint"],
        ["it's", "timestamp with time zone"],
      ],
    });
  });

  it("answers psql's other follow-ups on a table with no rows, and leaves other SQL alone", () => {
    const policies = `SELECT pol.polname FROM pg_catalog.pg_policy pol WHERE pol.polrelid = '${ISSUE_OID}' ORDER BY 1;`;
    expect(answerCatalogQuery(policies, TABLES)?.rows).toEqual([]);
    expect(answerCatalogQuery("SELECT * FROM jira_issue", TABLES)).toBeUndefined();
    expect(answerCatalogQuery("SELECT * FROM information_schema.tables", TABLES)).toBeUndefined();
  });
});
