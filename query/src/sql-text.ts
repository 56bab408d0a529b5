// Quoting for the SQL text the query package builds (session setup only). Every identifier and literal that
// comes from data or configuration goes through these; analysts' SQL is never spliced into other SQL.

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
