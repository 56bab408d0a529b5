// Sorts what a client sends into what the endpoint answers itself and what goes to the sandbox: transaction
// control (BEGIN, COMMIT, ROLLBACK: accepted, nothing to commit in a read-only session), session settings (SET,
// RESET, DISCARD: accepted and ignored; SHOW of the settings clients ask for), SQL-level PREPARE / EXECUTE /
// DEALLOCATE (kept per connection and bound like protocol-level ones), and everything else (a query). Decides by
// the leading keywords only; what reaches the sandbox is checked there. Pure.

export type ClientStatement =
  | { readonly kind: "empty" }
  | {
      readonly kind: "transaction";
      readonly tag: "BEGIN" | "COMMIT" | "ROLLBACK";
      readonly status: "I" | "T";
    }
  | { readonly kind: "setting"; readonly tag: string }
  | { readonly kind: "show"; readonly name: string }
  | { readonly kind: "prepare"; readonly name: string; readonly sql: string }
  | { readonly kind: "execute"; readonly name: string; readonly args: readonly string[] }
  | { readonly kind: "deallocate"; readonly name: string | undefined }
  | { readonly kind: "query"; readonly sql: string };

/** The settings SHOW answers (what clients and drivers ask at connect). */
export const SERVER_SETTINGS: Readonly<Record<string, string>> = Object.freeze({
  server_version: "15.0",
  server_version_num: "150000",
  server_encoding: "UTF8",
  client_encoding: "UTF8",
  datestyle: "ISO, MDY",
  intervalstyle: "postgres",
  timezone: "UTC",
  integer_datetimes: "on",
  standard_conforming_strings: "on",
  transaction_isolation: "read committed",
  default_transaction_read_only: "on",
  transaction_read_only: "on",
  search_path: "main",
  application_name: "",
  is_superuser: "off",
  max_identifier_length: "63",
});

const STRIP = /^(\s|--[^\n]*(\n|$)|\/\*[\s\S]*?\*\/)+/;

/** Client settings SET/RESET may name (drivers send them at connect); any other SET goes to the sandbox, refused. */
const CLIENT_SETTINGS = new Set([
  "application_name",
  "extra_float_digits",
  "client_encoding",
  "names",
  "datestyle",
  "intervalstyle",
  "timezone",
  "time zone",
  "search_path",
  "statement_timeout",
  "client_min_messages",
  "standard_conforming_strings",
  "bytea_output",
  "session characteristics",
  "transaction",
]);

const TRANSACTION_MODE =
  "(\\s+(TRANSACTION|WORK|ISOLATION\\s+LEVEL\\s+(READ\\s+COMMITTED|READ\\s+UNCOMMITTED|REPEATABLE\\s+READ|SERIALIZABLE)|READ\\s+ONLY|READ\\s+WRITE|(NOT\\s+)?DEFERRABLE)|\\s*,)*";
const BEGIN = new RegExp(`^(BEGIN|START\\s+TRANSACTION)${TRANSACTION_MODE}$`, "i");
const COMMIT = /^(COMMIT|END)(\s+(TRANSACTION|WORK))?$/i;
const ROLLBACK = /^(ROLLBACK|ABORT)(\s+(TRANSACTION|WORK))?$/i;
const SET = /^SET\s+(?:SESSION\s+|LOCAL\s+)?([A-Za-z_]+(?:\s+(?:zone|characteristics))?)\b[^;]*$/i;
const RESET = /^RESET\s+([A-Za-z_]+)$/i;

export function classifyStatement(text: string): ClientStatement {
  // Only whitespace: PostgreSQL's empty query (drivers ping with it). A comment-only text goes to the sandbox,
  // which refuses it as EMPTY_QUERY like every other surface.
  if (/^[\s;]*$/.test(text)) return { kind: "empty" };
  const sql = text.replace(STRIP, "").replace(/[\s;]+$/, "");
  if (sql.includes(";")) return { kind: "query", sql: text };
  if (BEGIN.test(sql)) return { kind: "transaction", tag: "BEGIN", status: "T" };
  if (COMMIT.test(sql)) return { kind: "transaction", tag: "COMMIT", status: "I" };
  if (ROLLBACK.test(sql)) return { kind: "transaction", tag: "ROLLBACK", status: "I" };
  const set = SET.exec(sql)?.[1]?.toLowerCase();
  if (set !== undefined && CLIENT_SETTINGS.has(set)) return { kind: "setting", tag: "SET" };
  const reset = RESET.exec(sql)?.[1]?.toLowerCase();
  if (reset !== undefined && (reset === "all" || CLIENT_SETTINGS.has(reset)))
    return { kind: "setting", tag: "RESET" };
  if (/^DISCARD\s+ALL$/i.test(sql)) return { kind: "setting", tag: "DISCARD ALL" };
  if (/^SHOW\s/i.test(sql)) {
    const name = sql.slice(4).trim().toLowerCase().replace(/\s+/g, "_");
    if (name === "transaction_isolation_level") return { kind: "show", name: "transaction_isolation" };
    if (SERVER_SETTINGS[name] !== undefined) return { kind: "show", name };
  }
  const prepare = /^PREPARE\s+([A-Za-z_][A-Za-z0-9_]*)\s*(?:\([^)]*\))?\s+AS\s+([\s\S]+)$/i.exec(sql);
  if (prepare !== null)
    return { kind: "prepare", name: (prepare[1] as string).toLowerCase(), sql: prepare[2] as string };
  const execute = /^EXECUTE\s+([A-Za-z_][A-Za-z0-9_]*)\s*(?:\(([\s\S]*)\))?$/i.exec(sql);
  if (execute !== null)
    return {
      kind: "execute",
      name: (execute[1] as string).toLowerCase(),
      args: execute[2] === undefined ? [] : splitArguments(execute[2]),
    };
  const deallocate = /^DEALLOCATE\s+(?:PREPARE\s+)?([A-Za-z_][A-Za-z0-9_]*)$/i.exec(sql);
  if (deallocate !== null) {
    const name = (deallocate[1] as string).toLowerCase();
    return { kind: "deallocate", name: name === "all" ? undefined : name };
  }
  return { kind: "query", sql: text };
}

/** EXECUTE's argument list split at top-level commas (each argument is an SQL expression, kept as written). */
function splitArguments(list: string): string[] {
  const args: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    if (quote !== undefined) {
      if (c !== quote) continue;
      if (list[i + 1] === quote) i++;
      else quote = undefined;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "," && depth === 0) {
      args.push(list.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = list.slice(start).trim();
  if (last !== "") args.push(last);
  return args;
}
