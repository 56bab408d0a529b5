// Checks a merge batch before anything is written: the key and LWW columns exist with usable types, and no
// row has a NULL key, generation or version (such a row has no place in the LWW order). Throws typed errors
// naming the column; never modifies the batch.
import { InvalidBatchError, InvalidTableConfigError } from "../errors.js";
import { quoteIdent } from "../io/sql-text.js";
import type { DeltaType } from "../table/schema.js";
import type { Snapshot } from "../table/snapshot.js";
import type { Table } from "../table/table.js";
import type { LwwColumns } from "./writer-config.js";

const INTEGERS: ReadonlySet<DeltaType> = new Set(["long", "integer", "short", "byte"]);

export function checkColumns(
  table: Table,
  snapshot: Pick<Snapshot, "schema">,
  columns: readonly string[],
  role: string,
): void {
  if (columns.length === 0) throw new InvalidTableConfigError(table.url, `the ${role} has no columns`);
  const names = new Set(snapshot.schema.fields.map((f) => f.name));
  for (const c of columns)
    if (!names.has(c))
      throw new InvalidTableConfigError(
        table.url,
        `${role} column ${JSON.stringify(c)} is not a column of the table`,
        {
          column: c,
        },
      );
}

export function checkLwwColumns(table: Table, snapshot: Pick<Snapshot, "schema">, lww: LwwColumns): void {
  const types = new Map(snapshot.schema.fields.map((f) => [f.name, f.type]));
  const want: readonly [string, string, (t: DeltaType) => boolean, string][] = [
    ["generation", lww.generation, (t) => INTEGERS.has(t), "an integer"],
    ["version", lww.version, (t) => INTEGERS.has(t), "an integer"],
    ["tombstone", lww.tombstone, (t) => t === "boolean", "a boolean"],
    ["payloadHash", lww.payloadHash, (t) => t === "string", "a string"],
  ];
  for (const [role, column, ok, what] of want) {
    const type = types.get(column);
    if (type === undefined)
      throw new InvalidTableConfigError(
        table.url,
        `the LWW ${role} column ${JSON.stringify(column)} is not in the table; set lww.${role} in the writer config`,
        { column },
      );
    if (!ok(type))
      throw new InvalidTableConfigError(
        table.url,
        `the LWW ${role} column ${JSON.stringify(column)} must be ${what}`,
        {
          column,
        },
      );
  }
}

/** Throws InvalidBatchError when a row of `batch` has NULL in one of `columns`. Runs inside exclusive(). */
export async function checkNoNulls(table: Table, batch: string, columns: readonly string[]): Promise<void> {
  const counts = columns.map((c) => `count(*) FILTER (WHERE ${quoteIdent(c)} IS NULL)`).join(", ");
  const reader = await table.duckdb.runAndReadAll(`SELECT ${counts} FROM ${batch}`);
  const row = reader.getRows()[0] ?? [];
  columns.forEach((c, i) => {
    const n = Number(row[i] ?? 0);
    if (n > 0)
      throw new InvalidBatchError(
        table.url,
        `${n} row(s) have NULL in ${JSON.stringify(c)}, which must not be NULL`,
        {
          column: c,
          rows: n,
        },
      );
  });
}
