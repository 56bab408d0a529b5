// Quoting for the SQL text the lake builds for DuckDB. Every identifier and literal that comes from data or
// configuration goes through these; nothing else splices strings into SQL.

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A DuckDB list literal of strings: ['a', 'b']. */
export function quoteList(values: readonly string[]): string {
  return `[${values.map(quoteLiteral).join(", ")}]`;
}

/** A name for a temp table or view that no other operation on the connection uses. */
export function tempName(purpose: string): string {
  return `__fx_${purpose}_${Math.random().toString(36).slice(2, 10)}`;
}
