// A query session for one workspace of one region: a fresh sandbox DuckDB holding, as plain in-memory tables,
// only that workspace's live rows of each of the region's tables (its partition's files alone are read, or
// downloaded from a remote store into the cache), then locked. Analysts' SQL runs only after the lock, so it
// can see those tables and nothing else: no files, no other workspace, no credentials (DuckDB never gets any).
import { join } from "node:path";
import { quoteIdent, readTable, type Table } from "@facsimile/lake";
import type { ObjectStore } from "@facsimile/object-store";
import { loadRegionCatalog } from "../catalog/load-region-catalog.js";
import {
  checkWorkspaceId,
  planWorkspaceView,
  type SkippedTablePlan,
  type ViewColumn,
  WORKSPACE_VIEW_DEFAULTS,
  type WorkspaceViewOptions,
  type WorkspaceViewPlan,
} from "../catalog/plan-workspace-view.js";
import { isQueryError, QueryArgumentError, SessionClosedError, SessionSetupError } from "../errors.js";
import { lockSandbox } from "../sandbox/lock-sandbox.js";
import { openSandboxDb, type SandboxDb } from "../sandbox/open-sandbox-db.js";
import { resolveSandboxOptions, type SandboxOptions } from "../sandbox/sandbox-options.js";
import { isFatalDuckDbError } from "./classify-duckdb-error.js";
import type { QueryResult } from "./query-result.js";
import { runQuery } from "./run-query.js";

export interface SessionOptions extends SandboxOptions, WorkspaceViewOptions {
  /** Local copies of remote data files (shared between sessions: files are immutable). */
  readonly cacheDir: string;
  /** Only these tables of the region (default: all). */
  readonly tables: readonly string[] | undefined;
}

export interface SessionTable {
  readonly name: string;
  /** The table version the session's rows come from. */
  readonly version: number;
  readonly columns: readonly ViewColumn[];
  readonly rowCount: number;
}

/** Per-query limits: each may only be lowered below the session's. */
export type QueryOverrides = Partial<Pick<SandboxOptions, "timeoutMs" | "maxRows">>;

export interface WorkspaceSession {
  readonly region: string;
  readonly workspace: string;
  readonly tables: readonly SessionTable[];
  /** Tables of the region the session does not show, and why (operators' information). */
  readonly skipped: readonly SkippedTablePlan[];
  readonly limits: Readonly<SandboxOptions>;
  /** Runs one SELECT; queries of one session run one after another. */
  query(sql: string, overrides?: QueryOverrides): Promise<QueryResult>;
  /** Stops the running query, which fails with QUERY_INTERRUPTED. */
  interrupt(): void;
  close(): Promise<void>;
}

export async function openWorkspaceSession(
  store: ObjectStore,
  region: string,
  workspace: string,
  options: Partial<SessionOptions> & Pick<SessionOptions, "cacheDir">,
): Promise<WorkspaceSession> {
  const limits = resolveSandboxOptions(options);
  if (typeof limits === "string") throw new QueryArgumentError("INVALID_ARGUMENT", limits);
  const view = { ...WORKSPACE_VIEW_DEFAULTS, ...options };
  checkWorkspaceId(workspace);
  const db = await openSandboxDb(limits);
  try {
    const catalog = await loadRegionCatalog(store, region, db.connection, {
      cacheDir: options.cacheDir,
      scratchDir: join(db.dir, "scratch"),
      tables: options.tables,
    });
    const tables: SessionTable[] = [];
    const skipped: SkippedTablePlan[] = [];
    for (const entry of catalog.tables) {
      const plan = planWorkspaceView(entry.name, entry.snapshot, workspace, view);
      if (plan.kind === "skipped") skipped.push(plan);
      else tables.push(await materialize(db, entry.table, plan));
    }
    await lockSandbox(db.connection, limits.timeZone, db.spillDir);
    return sessionOf(db, region, workspace, tables, skipped, limits);
  } catch (err) {
    await db.close();
    if (isQueryError(err)) throw err;
    throw new SessionSetupError(
      `could not open a session for workspace ${workspace} in region ${region} of ${store.url}: ${(err as Error).message}`,
      { cause: err, context: { region, workspace } },
    );
  }
}

async function materialize(db: SandboxDb, table: Table, plan: WorkspaceViewPlan): Promise<SessionTable> {
  const scan = await readTable(table, { snapshot: plan.snapshot });
  const columns = plan.columns.map((c) => quoteIdent(c.name)).join(", ");
  await db.connection.run(
    `CREATE TABLE ${quoteIdent(plan.name)} AS SELECT ${columns} FROM (${scan.sql}) AS __fx_source ` +
      `WHERE ${plan.rowFilter}`,
  );
  const count = await db.connection.runAndReadAll(`SELECT count(*)::BIGINT FROM ${quoteIdent(plan.name)}`);
  return {
    name: plan.name,
    version: plan.version,
    columns: plan.columns,
    rowCount: Number(count.getRows()[0]?.[0] ?? 0),
  };
}

function sessionOf(
  db: SandboxDb,
  region: string,
  workspace: string,
  tables: readonly SessionTable[],
  skipped: readonly SkippedTablePlan[],
  limits: SandboxOptions,
): WorkspaceSession {
  let tail: Promise<unknown> = Promise.resolve();
  let closedReason: string | undefined;
  const run = async (sql: string, overrides: QueryOverrides): Promise<QueryResult> => {
    if (closedReason !== undefined) throw new SessionClosedError(closedReason);
    try {
      return await runQuery(db.connection, sql, {
        timeoutMs: Math.min(overrides.timeoutMs ?? limits.timeoutMs, limits.timeoutMs),
        maxRows: Math.min(overrides.maxRows ?? limits.maxRows, limits.maxRows),
        maxResultBytes: limits.maxResultBytes,
        maxSqlBytes: limits.maxSqlBytes,
        memoryLimit: limits.memoryLimit,
      });
    } catch (err) {
      if (isFatalDuckDbError((err as Error).cause)) closedReason = "DuckDB failed internally";
      throw err;
    }
  };
  return Object.freeze({
    region,
    workspace,
    tables: Object.freeze([...tables]),
    skipped: Object.freeze([...skipped]),
    limits: Object.freeze({ ...limits }),
    query(sql: string, overrides: QueryOverrides = {}): Promise<QueryResult> {
      const result = tail.then(() => run(sql, overrides));
      tail = result.catch(() => undefined);
      return result;
    },
    interrupt(): void {
      if (closedReason === undefined) db.connection.interrupt();
    },
    async close(): Promise<void> {
      if (closedReason === undefined) db.connection.interrupt();
      closedReason ??= "closed";
      await tail;
      await db.close();
    },
  });
}
