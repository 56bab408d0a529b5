// A query session for one workspace of one region. This process (trusted: it holds the store) reads the region's
// catalog and plans what the workspace may see: its partition's files alone (downloaded from a remote store into
// the cache), its live rows, its columns. A sandbox process of the session's own then copies exactly those rows
// into plain in-memory tables of a fresh DuckDB, locks it, and runs the analysts' SQL there, under hard limits
// (sandbox-process.ts). Analysts' SQL never runs in this process and never sees a file, another workspace or a
// credential. A sandbox killed for a limit is rebuilt, from the same table versions, on the next query.
import { mkdtemp, rm } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { quoteIdent, readTable } from "@facsimile/lake";
import { LocalObjectStore, type ObjectStore } from "@facsimile/object-store";
import { loadRegionCatalog } from "../catalog/load-region-catalog.js";
import {
  checkWorkspaceId,
  planWorkspaceView,
  type SkippedTablePlan,
  type ViewColumn,
  WORKSPACE_VIEW_DEFAULTS,
  type WorkspaceViewOptions,
} from "../catalog/plan-workspace-view.js";
import {
  isQueryError,
  QueryArgumentError,
  type QueryError,
  SessionClosedError,
  SessionSetupError,
} from "../errors.js";
import { resolveSandboxOptions, type SandboxOptions } from "../sandbox/sandbox-options.js";
import type { QueryColumn, QueryResult } from "./query-result.js";
import { type QueryStream, RowQueue } from "./query-stream.js";
import { type SandboxProcess, type SandboxSpec, startSandboxProcess } from "./sandbox-process.js";
import type { TableLoad } from "./sandbox-protocol.js";

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
  /**
   * Runs one SELECT and hands its rows over batch by batch as they are read, under the same limits as query().
   * Resolves once the columns are known (or rejects when the query is refused or fails before); the rows are
   * read by iterating the stream, which throws the query's error if it fails on the way. The session's next
   * query waits until this one ended.
   */
  stream(sql: string, overrides?: QueryOverrides): Promise<QueryStream>;
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
  checkWorkspaceId(workspace);
  let spec: SandboxSpec;
  let skipped: SkippedTablePlan[];
  try {
    ({ spec, skipped } = await planSession(store, region, workspace, limits, options));
  } catch (err) {
    if (isQueryError(err)) throw err;
    throw new SessionSetupError(
      `could not open a session for workspace ${workspace} in region ${region} of ${store.url}: ${(err as Error).message}`,
      { cause: err, context: { region, workspace } },
    );
  }
  const sandbox = await startSandboxProcess(spec);
  const tables = spec.tables.map((t, i) => ({
    name: t.name,
    version: t.version,
    columns: t.columns,
    rowCount: sandbox.rowCounts[i] ?? 0,
  }));
  return sessionOf(sandbox, spec, region, workspace, tables, skipped, limits);
}

/** What the sandbox loads: each shown table as a SELECT over local files of the workspace's partition. */
async function planSession(
  store: ObjectStore,
  region: string,
  workspace: string,
  limits: SandboxOptions,
  options: Partial<SessionOptions> & Pick<SessionOptions, "cacheDir">,
): Promise<{ spec: SandboxSpec; skipped: SkippedTablePlan[] }> {
  const view = { ...WORKSPACE_VIEW_DEFAULTS, ...options };
  const scratch = await mkdtemp(join(limits.tempRoot ?? tmpdir(), "facsimile-catalog-"));
  // A DuckDB of this process for reading the log (checkpoints are Parquet); never sees analysts' SQL.
  const instance = await DuckDBInstance.create(":memory:", { threads: "1" });
  const connection = await instance.connect();
  try {
    const catalog = await loadRegionCatalog(store, region, connection, {
      cacheDir: options.cacheDir,
      scratchDir: scratch,
      tables: options.tables,
    });
    const tables: TableLoad[] = [];
    const skipped: SkippedTablePlan[] = catalog.unreadable.map((u) => ({
      kind: "skipped",
      name: u.name,
      reason: u.reason,
      unreadable: true,
    }));
    for (const entry of catalog.tables) {
      const plan = planWorkspaceView(entry.name, entry.snapshot, workspace, view);
      if (plan.kind === "skipped") {
        skipped.push(plan);
        continue;
      }
      const scan = await readTable(entry.table, { snapshot: plan.snapshot });
      const columns = plan.columns.map((c) => quoteIdent(c.name)).join(", ");
      tables.push({
        name: plan.name,
        version: plan.version,
        columns: plan.columns,
        select: `SELECT ${columns} FROM (${scan.sql}) AS __fx_source WHERE ${plan.rowFilter}`,
      });
    }
    const scrub = [
      options.cacheDir,
      tmpdir(),
      homedir(),
      ...(limits.tempRoot === undefined ? [] : [limits.tempRoot]),
    ];
    if (store instanceof LocalObjectStore) scrub.push(store.root);
    return {
      spec: { limits, tables, unavailable: catalog.unreadable.map((u) => u.name), scrub },
      skipped,
    };
  } finally {
    connection.closeSync();
    instance.closeSync();
    await rm(scratch, { recursive: true, force: true });
  }
}

function sessionOf(
  first: SandboxProcess,
  spec: SandboxSpec,
  region: string,
  workspace: string,
  tables: readonly SessionTable[],
  skipped: readonly SkippedTablePlan[],
  limits: SandboxOptions,
): WorkspaceSession {
  let sandbox: SandboxProcess | undefined = first;
  let starting: Promise<SandboxProcess> | undefined;
  let tail: Promise<unknown> = Promise.resolve();
  let closedReason: string | undefined;
  /** The live sandbox, or a new one when the last was killed (same tables, same versions). */
  const live = async (): Promise<SandboxProcess> => {
    if (sandbox?.alive) return sandbox;
    const dead = sandbox;
    sandbox = undefined;
    await dead?.close();
    starting ??= startSandboxProcess(spec).finally(() => {
      starting = undefined;
    });
    sandbox = await starting;
    return sandbox;
  };
  const queryLimits = (overrides: QueryOverrides) => ({
    timeoutMs: Math.min(overrides.timeoutMs ?? limits.timeoutMs, limits.timeoutMs),
    maxRows: Math.min(overrides.maxRows ?? limits.maxRows, limits.maxRows),
    maxResultBytes: limits.maxResultBytes,
    maxSqlBytes: limits.maxSqlBytes,
    memoryLimit: limits.memoryLimit,
  });
  const run = async (sql: string, overrides: QueryOverrides): Promise<QueryResult> => {
    if (closedReason !== undefined) throw new SessionClosedError(closedReason);
    const current = await live();
    return current.query(sql, queryLimits(overrides));
  };
  const runStream = (
    sql: string,
    overrides: QueryOverrides,
    queue: RowQueue,
    columns: (c: readonly QueryColumn[]) => void,
  ) =>
    (async (): Promise<QueryResult> => {
      if (closedReason !== undefined) throw new SessionClosedError(closedReason);
      const current = await live();
      return current.stream(sql, queryLimits(overrides), columns, (rows) => queue.push(rows));
    })();
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
    stream(sql: string, overrides: QueryOverrides = {}): Promise<QueryStream> {
      const queue = new RowQueue();
      let gotColumns: (columns: readonly QueryColumn[]) => void = () => {};
      const columns = new Promise<readonly QueryColumn[]>((resolve) => {
        gotColumns = resolve;
      });
      const done = tail.then(() => runStream(sql, overrides, queue, gotColumns));
      tail = done.catch(() => undefined);
      done.then(
        () => queue.end(),
        (err: unknown) => queue.end(err as QueryError),
      );
      // The columns come first; a query refused or failing before them rejects here.
      return Promise.race([columns, done.then(() => columns)]).then((cols) =>
        Object.freeze({ columns: cols, done, [Symbol.asyncIterator]: () => queue.read() }),
      );
    },
    interrupt(): void {
      if (closedReason === undefined) sandbox?.interrupt();
    },
    async close(): Promise<void> {
      if (closedReason === undefined) sandbox?.interrupt();
      closedReason ??= "closed";
      await tail;
      await sandbox?.close();
      sandbox = undefined;
    },
  });
}
