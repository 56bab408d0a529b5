// The erasure registry (the directory's entries) as SQL over a table's rows: a predicate true for every row that
// the registry forbids (its workspace is being or was erased, it is below the workspace's deletion generation, or
// its resource was erased, or its tombstone purged, at a higher generation). The same rule as DirectoryView's
// isErased, written over the table's columns. Pure text building.
import type { DirectoryEntry } from "@facsimile/control-plane";
import { quoteIdent, quoteLiteral, type TableSchema } from "@facsimile/lake";

export interface ErasureColumns {
  readonly workspace: string;
  readonly resource: string | undefined;
  readonly generation: string | undefined;
}

/** The registry's columns in a table: the raw sink's names, else the target tables' envelope names. */
export function erasureColumns(schema: TableSchema): ErasureColumns | undefined {
  const names = new Set(schema.fields.map((f) => f.name));
  const pick = (...c: string[]): string | undefined => c.find((n) => names.has(n));
  const workspace = pick("workspace_id");
  if (workspace === undefined) return undefined;
  return {
    workspace,
    resource: pick("envelope_fields_resource_ari_value", "resource_ari"),
    generation: pick("envelope_fields_generation_counter", "generation"),
  };
}

/** Entries that forbid anything at all. */
export function forbidding(entries: readonly DirectoryEntry[]): DirectoryEntry[] {
  return entries.filter(
    (e) =>
      e.state === "ERASING" ||
      e.state === "ERASED" ||
      e.deletionGeneration !== "0" ||
      e.erasedResources.length > 0,
  );
}

/** SQL true for the rows the registry forbids; undefined when it forbids none of this table's rows. */
export function erasedRowsPredicate(
  entries: readonly DirectoryEntry[],
  cols: ErasureColumns,
): string | undefined {
  const ws = quoteIdent(cols.workspace);
  const gen = cols.generation === undefined ? undefined : `CAST(${quoteIdent(cols.generation)} AS HUGEINT)`;
  const terms: string[] = [];
  for (const e of forbidding(entries)) {
    const w = `${ws} = ${quoteLiteral(e.workspaceId)}`;
    if (e.state === "ERASING" || e.state === "ERASED") {
      terms.push(`(${w})`);
      continue;
    }
    const inner: string[] = [];
    if (e.deletionGeneration !== "0" && gen !== undefined) inner.push(`${gen} < ${e.deletionGeneration}`);
    if (e.erasedResources.length > 0 && gen !== undefined && cols.resource !== undefined) {
      const values = e.erasedResources
        .map((r) => `(${quoteLiteral(r.resourceAri)}, ${r.generation})`)
        .join(", ");
      inner.push(
        `EXISTS (SELECT 1 FROM (VALUES ${values}) AS __fx_erased(r, g) ` +
          `WHERE __fx_erased.r = ${quoteIdent(cols.resource)} AND ${gen} < __fx_erased.g)`,
      );
    }
    if (inner.length > 0) terms.push(`(${w} AND (${inner.join(" OR ")}))`);
  }
  return terms.length === 0 ? undefined : terms.join(" OR ");
}
