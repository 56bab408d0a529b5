// A query session for one workspace of one region. This process (trusted: it holds the store) reads the region's
// catalog and plans what the workspace may see: its partition's files alone (downloaded from a remote store into
// the cache), its live rows, its columns. A sandbox process of the session's own then copies exactly those rows
// into plain in-memory tables of a fresh DuckDB, locks it, and runs the analysts' SQL there, under hard limits
// (sandbox-process.ts). Analysts' SQL never runs in this process and never sees a file, another workspace or a
// credential. A sandbox killed for a limit is rebuilt, from the same table versions, on the next query.
import { mkdtemp, rm } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { quoteIdent, readTable } from "@facsimile/lake";
import { LocalObjectStore, type ObjectStore } from "@facsimile/object-store";
import { loadRegionCatalog, type RegionCatalog } from "../catalog/load-region-catalog.js";
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
  /** Rows applied over the tables' snapshots (the union read); undefined: none. */
  readonly overlay: SessionOverlay | undefined;
}

/**
 * What the session's tables hold beyond their snapshots (the union read). Declarative: what it returns is SQL
 * text over files it wrote, which the sandbox process reads when it fills its tables (and again if it is rebuilt).
 */
export interface SessionOverlay {
  /**
   * Runs in this (trusted) process while the session is planned, on the planning DuckDB connection (never the
   * analysts'); it may read the lake through `store` and write files under `dir` (kept until the session
   * closes). Returns, per table name, how to combine the table's snapshot rows with rows of its own. Tables it
   * does not name are shown as their snapshot.
   */
  prepare(context: OverlayContext): Promise<ReadonlyMap<string, TableOverlay>>;
}

export interface OverlayContext {
  readonly store: ObjectStore;
  readonly region: string;
  readonly workspace: string;
  readonly connection: DuckDBConnection;
  readonly catalog: RegionCatalog;
  readonly cacheDir: string;
  readonly scratchDir: string;
  /** The overlay's own folder for the files its SQL reads; deleted with the session. */
  readonly dir: string;
}

export interface TableOverlay {
  /**
   * A SELECT over every column of the table: `base` (the snapshot's rows, a relation) with the overlay applied. It
   * may read the overlay's files (read_parquet of a file under OverlayContext.dir) and nothing else.
   */
  combine(base: string): string;
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
  // The overlay holds functions: it stays in this process, out of the limits the sandbox process is sent.
  const { overlay: _overlay, ...plain } = options;
  const limits = resolveSandboxOptions(plain);
  if (typeof limits === "string") throw new QueryArgumentError("INVALID_ARGUMENT", limits);
  checkWorkspaceId(workspace);
  let spec: SandboxSpec;
  let skipped: SkippedTablePlan[];
  const overlayDir =
    options.overlay === undefined
      ? undefined
      : await mkdtemp(join(limits.tempRoot ?? tmpdir(), "facsimile-overlay-"));
  const removeOverlay = () =>
    overlayDir === undefined ? Promise.resolve() : rm(overlayDir, { recursive: true, force: true });
  try {
    ({ spec, skipped } = await planSession(store, region, workspace, limits, options, overlayDir));
  } catch (err) {
    await removeOverlay();
    if (isQueryError(err)) throw err;
    throw new SessionSetupError(
      `could not open a session for workspace ${workspace} in region ${region} of ${store.url}: ${(err as Error).message}`,
      { cause: err, context: { region, workspace } },
    );
  }
  const sandbox = await startSandboxProcess(spec).catch(async (err: unknown) => {
    await removeOverlay();
    throw err;
  });
  const tables = spec.tables.map((t, i) => ({
    name: t.name,
    version: t.version,
    columns: t.columns,
    rowCount: sandbox.rowCounts[i] ?? 0,
  }));
  return sessionOf(sandbox, spec, region, workspace, tables, skipped, limits, removeOverlay);
}

/** What the sandbox loads: each shown table as a SELECT over local files of the workspace's partition. */
async function planSession(
  store: ObjectStore,
  region: string,
  workspace: string,
  limits: SandboxOptions,
  options: Partial<SessionOptions> & Pick<SessionOptions, "cacheDir">,
  overlayDir: string | undefined,
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
    const overlays =
      options.overlay === undefined || overlayDir === undefined
        ? new Map<string, TableOverlay>()
        : await options.overlay.prepare({
            store,
            region,
            workspace,
            connection,
            catalog,
            cacheDir: options.cacheDir,
            scratchDir: scratch,
            dir: overlayDir,
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
      const overlay = overlays.get(entry.name);
      const rows = overlay === undefined ? scan.sql : overlay.combine(`(${scan.sql})`);
      // Window columns over the workspace's rows first (a deleted resource's newest record), then the filter.
      const source =
        plan.derived.length === 0
          ? `(${rows})`
          : `(SELECT *, ${plan.derived.join(", ")} FROM (${rows}) AS __fx_rows)`;
      tables.push({
        name: plan.name,
        version: plan.version,
        columns: plan.columns,
        select: `SELECT ${columns} FROM ${source} AS __fx_source WHERE ${plan.rowFilter}`,
      });
    }
    const scrub = [
      options.cacheDir,
      tmpdir(),
      homedir(),
      ...(limits.tempRoot === undefined ? [] : [limits.tempRoot]),
      ...(overlayDir === undefined ? [] : [overlayDir]),
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
  /** Removes what the session owns on disk (the overlay's files). */
  cleanup: () => Promise<void>,
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
      await cleanup();
    },
  });
}
