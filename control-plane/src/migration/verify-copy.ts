// The verify step: for every table, every row of W in the source region is in the target region or superseded
// there by a newer one of the same key (live traffic lands in the new home after the switch), per the writer's
// key and last-writer-wins columns; an Append history must hold every source row. Counts and per-table digests
// are reported as well: they are equal when nothing was published since the copy.
import { DEFAULT_LWW_COLUMNS, quoteIdent } from "@facsimile/lake";
import { type CopyDeps, scanWorkspace } from "./copy-workspace.js";

export interface TableVerification {
  readonly region: string;
  readonly table: string;
  readonly sourceRows: number;
  readonly targetRows: number;
  /** Source rows neither in the target nor superseded there: must be 0. */
  readonly missing: number;
  readonly sourceDigest: string;
  readonly targetDigest: string;
}

// Order-independent and duplicate-sensitive: xor and sum of DuckDB's 64-bit row hashes (a check, not a seal).
const DIGEST = (sql: string): string =>
  `SELECT count(*)::BIGINT, coalesce(format('{:x}-{}', bit_xor(hash(t)), sum(hash(t)::HUGEINT)), '') FROM (${sql}) AS t`;

export async function verifyCopy(
  deps: CopyDeps,
  workspaceId: string,
  source: string,
  target: string,
): Promise<TableVerification[]> {
  const out: TableVerification[] = [];
  for (const w of deps.writers) {
    const from = await scanWorkspace(deps, source, w.table, workspaceId);
    if (from === undefined || from.scan.files.length === 0) continue;
    const to = await scanWorkspace(deps, target, w.table, workspaceId);
    const digest = async (sql: string | undefined): Promise<[number, string]> => {
      if (sql === undefined) return [0, ""];
      const row = (await deps.duckdb.runAndReadAll(DIGEST(sql))).getRows()[0] ?? [0n, ""];
      return [Number(row[0]), String(row[1])];
    };
    const [sourceRows, sourceDigest] = await digest(from.sql);
    const [targetRows, targetDigest] = await digest(to?.sql);
    let missing = sourceRows;
    if (to !== undefined && to.scan.files.length > 0) {
      let sql: string;
      if (w.writer.kind === "append" && w.writer.uniqueKey !== undefined) {
        // An idempotent Append keeps one row per key: the target may hold it from another delivery.
        const on = w.writer.uniqueKey
          .map((k) => `s.${quoteIdent(k)} IS NOT DISTINCT FROM n.${quoteIdent(k)}`)
          .join(" AND ");
        sql = `SELECT count(*) FROM (SELECT s.* FROM (${from.sql}) AS s ANTI JOIN (${to.sql}) AS n ON ${on})`;
      } else if (w.writer.kind === "append") sql = `SELECT count(*) FROM (${from.sql} EXCEPT ${to.sql})`;
      else {
        // Same key at the same (generation, version), or the key superseded by a newer version: rows may differ
        // in lineage columns (a duplicate delivery merged on each side), never in what LWW decides.
        const parent = w.writer.kind === "merge" ? w.writer.primaryKey : w.writer.parentKey;
        const row = w.writer.kind === "merge" ? parent : [...parent, ...w.writer.childKey];
        const lww = { ...DEFAULT_LWW_COLUMNS, ...w.writer.lww };
        const g = quoteIdent(lww.generation);
        const v = quoteIdent(lww.version);
        const on = (keys: readonly string[]): string =>
          keys.map((k) => `s.${quoteIdent(k)} IS NOT DISTINCT FROM n.${quoteIdent(k)}`).join(" AND ");
        // Hash anti-joins on equality first (fast); only what is left is checked for a newer version.
        const same = `SELECT s.* FROM (${from.sql}) AS s ANTI JOIN (${to.sql}) AS n ON ${on(row)} AND n.${g} = s.${g} AND n.${v} = s.${v}`;
        sql =
          `SELECT count(*) FROM (SELECT s.* FROM (${same}) AS s ANTI JOIN (${to.sql}) AS n ON ${on(parent)} ` +
          `AND (n.${g} > s.${g} OR (n.${g} = s.${g} AND n.${v} > s.${v})))`;
      }
      missing = Number((await deps.duckdb.runAndReadAll(sql)).getRows()[0]?.[0] ?? 0);
    }
    out.push({ region: target, table: w.table, sourceRows, targetRows, missing, sourceDigest, targetDigest });
  }
  return out;
}
