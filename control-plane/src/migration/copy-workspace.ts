// The copy step: W's rows of every target table in the source region are written into the same table of a
// region it gains, through the table's own writer (Merge and MergeExploded apply last-writer-wins, so a copy is
// idempotent and commutes with live merges there; an Append history gets only the rows it lacks), with a txn
// (appId `migrate:<job>:<source region>`, version = the source table's version) so a retry of the same source
// version writes nothing. Runs again after the switch to carry over what the source merged in between.
import type { DuckDBConnection } from "@duckdb/node-api";
import {
  loadSnapshot,
  openTable,
  quoteIdent,
  quoteLiteral,
  readTable,
  regionLayout,
  TableNotFoundError,
  type TableScan,
  type WriterConfig,
  writeBatch,
} from "@facsimile/lake";
import type { ObjectStore } from "@facsimile/object-store";
import { joinKey } from "../erasure/lake-tables.js";

export interface TargetWriter {
  readonly table: string;
  readonly writer: WriterConfig;
}

/** The erasure registry's view of the workspace: rows it forbids are never copied. */
export type CopyFilter = (
  workspaceId: string,
  resourceAri: string | undefined,
  generation: bigint,
) => boolean;

export interface CopyDeps {
  readonly store: ObjectStore;
  readonly lakeRoot: string;
  readonly duckdb: DuckDBConnection;
  /** The target tables and their writers (from the compiled transform models). */
  readonly writers: readonly TargetWriter[];
  /** The erasure registry (the directory view's isErased): a row it forbids is not copied. */
  readonly isErased?: CopyFilter;
}

const ARI = "envelope_fields_resource_ari_value";
const GENERATION = "envelope_fields_generation_counter";

export async function scanWorkspace(
  deps: CopyDeps,
  region: string,
  table: string,
  workspaceId: string,
): Promise<{ scan: TableScan; sql: string } | undefined> {
  const t = openTable(deps.store, joinKey(deps.lakeRoot, regionLayout.table(region, table)), deps.duckdb);
  let snapshot: Awaited<ReturnType<typeof loadSnapshot>>;
  try {
    snapshot = await loadSnapshot(t);
  } catch (err) {
    if (err instanceof TableNotFoundError) return undefined;
    throw err;
  }
  const files = new Map(
    [...snapshot.files].filter(([, a]) => a.partitionValues.workspace_id === workspaceId),
  );
  const scan = await readTable(t, { snapshot: { ...snapshot, files } });
  return {
    scan,
    sql: `SELECT * FROM (${scan.sql}) AS __fx_ws WHERE workspace_id = ${quoteLiteral(workspaceId)}`,
  };
}

/** Copies W from `source` into `target`; returns the rows written per table. */
export async function copyWorkspace(
  deps: CopyDeps,
  jobId: string,
  workspaceId: string,
  source: string,
  target: string,
  onTable: (table: string, rows: number) => Promise<void> | void = () => undefined,
): Promise<number> {
  let total = 0;
  for (const w of deps.writers) {
    const from = await scanWorkspace(deps, source, w.table, workspaceId);
    if (from === undefined || from.scan.files.length === 0) {
      await onTable(w.table, 0);
      continue;
    }
    const to = openTable(
      deps.store,
      joinKey(deps.lakeRoot, regionLayout.table(target, w.table)),
      deps.duckdb,
    );
    let sql = from.sql;
    const fields = new Set(from.scan.snapshot.schema.fields.map((f) => f.name));
    if (deps.isErased !== undefined && fields.has(ARI) && fields.has(GENERATION)) {
      // Only resources the registry may forbid are checked row by row: one query for the distinct pairs.
      const pairs = await deps.duckdb.runAndReadAll(
        `SELECT DISTINCT ${quoteIdent(ARI)}, ${quoteIdent(GENERATION)} FROM (${from.sql})`,
      );
      const forbidden = pairs
        .getRows()
        .filter(([ari, g]) => deps.isErased?.(workspaceId, String(ari), BigInt(g as bigint)) === true);
      if (forbidden.length > 0)
        sql = `SELECT * FROM (${from.sql}) WHERE (${quoteIdent(ARI)}, ${quoteIdent(GENERATION)}) NOT IN (${forbidden
          .map(([ari, g]) => `(${quoteLiteral(String(ari))}, ${String(g)})`)
          .join(", ")})`;
    }
    if (w.writer.kind === "append") {
      const existing = await scanWorkspace(deps, target, w.table, workspaceId);
      if (existing !== undefined && existing.scan.files.length > 0) sql = `${sql} EXCEPT ${existing.sql}`;
    }
    const result = await writeBatch(
      to,
      w.writer,
      { sql },
      { appId: `migrate:${jobId}:${source}`, version: from.scan.snapshot.version },
    );
    total += result.rowsWritten;
    await onTable(w.table, result.rowsWritten);
  }
  return total;
}
