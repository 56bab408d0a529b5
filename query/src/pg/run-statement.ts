// Runs one statement a client sent, in a workspace session, and says what to answer: rows (with PostgreSQL field
// descriptions and text values), a bare command tag, or an empty query. Transaction control and settings are
// answered here, psql's catalog queries from the session's table list, everything else by the sandbox: the same
// check, limits and errors as `facsimile query`.

import type { WorkspaceSession } from "../session/open-workspace-session.js";
import type { QueryResult } from "../session/query-result.js";
import { answerCatalogQuery } from "./answer-catalog-query.js";
import type { FieldDescription } from "./backend-messages.js";
import * as B from "./backend-messages.js";
import { type ClientStatement, SERVER_SETTINGS } from "./classify-statement.js";
import { PG_TYPES, pgText, pgTypeOf } from "./pg-types.js";

export type StatementOutcome =
  | {
      readonly kind: "rows";
      readonly fields: readonly FieldDescription[];
      readonly rows: readonly (readonly (string | null)[])[];
      /** Rows were cut at the session's row limit. */
      readonly truncated: boolean;
    }
  | { readonly kind: "command"; readonly tag: string }
  | { readonly kind: "empty" };

/** The outcome of a statement other than PREPARE / EXECUTE / DEALLOCATE (the connection handles those). */
export async function runStatement(
  session: WorkspaceSession,
  statement: Exclude<ClientStatement, { kind: "prepare" | "execute" | "deallocate" }>,
): Promise<StatementOutcome> {
  switch (statement.kind) {
    case "empty":
      return { kind: "empty" };
    case "transaction":
      return { kind: "command", tag: statement.tag };
    case "setting":
      return { kind: "command", tag: statement.tag };
    case "show":
      return {
        kind: "rows",
        fields: [{ name: statement.name, typeOid: PG_TYPES.text.oid, typeSize: -1 }],
        rows: [[SERVER_SETTINGS[statement.name] ?? ""]],
        truncated: false,
      };
    case "query": {
      const catalog = answerCatalogQuery(statement.sql, session.tables);
      if (catalog !== undefined) return { kind: "rows", ...catalog, truncated: false };
      return rowsOf(await session.query(statement.sql));
    }
  }
}

export function rowsOf(result: QueryResult): StatementOutcome {
  const types = result.columns.map((c) => pgTypeOf(c.type));
  return {
    kind: "rows",
    fields: result.columns.map((c, i) => ({
      name: c.name,
      typeOid: (types[i] ?? PG_TYPES.text).oid,
      typeSize: (types[i] ?? PG_TYPES.text).size,
    })),
    rows: result.rows.map((row) => row.map((v, i) => pgText(v, types[i] ?? PG_TYPES.text))),
    truncated: result.truncated,
  };
}

/** The frames that answer an outcome: its rows (with their description when asked), a warning when cut, the tag. */
export function outcomeFrames(outcome: StatementOutcome, withDescription: boolean): Buffer[] {
  if (outcome.kind === "empty") return [B.emptyQueryResponse()];
  if (outcome.kind === "command") return [B.commandComplete(outcome.tag)];
  const frames: Buffer[] = withDescription ? [B.rowDescription(outcome.fields)] : [];
  for (const row of outcome.rows) frames.push(B.dataRow(row));
  if (outcome.truncated)
    frames.push(
      B.noticeResponse({
        severity: "WARNING",
        code: "01000",
        message: `the result was cut at ${outcome.rows.length} rows (the session's row limit)`,
      }),
    );
  frames.push(B.commandComplete(`SELECT ${outcome.rows.length}`));
  return frames;
}
