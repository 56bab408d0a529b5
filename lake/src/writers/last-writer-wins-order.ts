// Where the writers decide last-writer-wins in SQL: the ORDER BY terms that rank rows greatest first, used by the
// batch de-duplication and the ranking of batch rows against table rows (merge.ts, merge-exploded.ts). It is the
// SQL form of the one rule, compareLww in @facsimile/protocol (protocol/src/ordering/last-writer-wins.ts):
// generation, then version, then tombstone over update, then the greater payload hash. The property test beside
// this file runs it in DuckDB against compareLww on random rows, ties included.
import { quoteIdent } from "../io/sql-text.js";

/** The columns that carry the LWW key (see LwwColumns in writer-config.ts). */
export interface LwwOrderColumns {
  readonly generation: string;
  readonly version: string;
  readonly tombstone: string;
  readonly payloadHash: string;
}

/** `ORDER BY` terms of the LWW order, greatest first (shared by batch dedupe and ranking). */
export function lwwOrder(lww: LwwOrderColumns): string[] {
  return [
    `${quoteIdent(lww.generation)} DESC NULLS LAST`,
    `${quoteIdent(lww.version)} DESC NULLS LAST`,
    `coalesce(${quoteIdent(lww.tombstone)}, false) DESC`,
    `${quoteIdent(lww.payloadHash)} DESC NULLS LAST`,
  ];
}
