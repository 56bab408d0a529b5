// The cached view of the directory that producers, workers and jobs read: the fold of the log, refreshed on a
// timer so it follows changes within about a second. Lookups are synchronous and never do I/O; a failed refresh
// keeps the last good view (and is logged). It answers the ingest worker's questions (home region, deletion
// generation, key id) and the erasure registry's: may a record of this workspace/resource still be written?
import { type Logger, silentLogger } from "@facsimile/bus";
import type { DirectoryEntry } from "./directory-entry.js";
import type { DirectoryCursor, DirectoryLog } from "./directory-log.js";
import { DirectoryState } from "./fold-directory.js";

export interface DirectoryViewOptions {
  /** How often start() re-reads the log. */
  readonly refreshIntervalMs: number;
  readonly logger: Logger;
}

export const DEFAULT_DIRECTORY_VIEW_OPTIONS: Readonly<DirectoryViewOptions> = Object.freeze({
  refreshIntervalMs: 1_000,
  logger: silentLogger,
});

export interface DirectoryView {
  readonly log: DirectoryLog;
  /** Reads what the log gained since the last refresh; returns the workspaces whose entry changed. */
  refresh(): Promise<string[]>;
  /** Refreshes now, then every refreshIntervalMs until stop(). */
  start(): Promise<void>;
  stop(): void;
  get(workspaceId: string): DirectoryEntry | undefined;
  /** Id of the event that set the entry (a writer checks it won). */
  eventIdOf(workspaceId: string): string | undefined;
  list(): DirectoryEntry[];
  /** The home region (where producers publish and the workspace is ingested), or undefined when unknown. */
  regionOf(workspaceId: string): string | undefined;
  regionsOf(workspaceId: string): readonly string[] | undefined;
  kmsKeyIdOf(workspaceId: string): string | undefined;
  deletionGenerationOf(workspaceId: string): bigint | undefined;
  /**
   * The erasure registry's check, made by every path that writes rows: true when a record of this resource with
   * this generation must never be written (the workspace is being or was erased, the record is below the
   * workspace's deletion generation, or the resource was erased at a higher generation).
   */
  isErased(workspaceId: string, resourceAri: string | undefined, generation: bigint): boolean;
  /** Called after a refresh changed entries. */
  onChange(listener: (workspaceIds: readonly string[]) => void): () => void;
}

export function createDirectoryView(
  log: DirectoryLog,
  options: Partial<DirectoryViewOptions> = {},
): DirectoryView {
  const o = { ...DEFAULT_DIRECTORY_VIEW_OPTIONS, ...options };
  const state = new DirectoryState();
  const listeners = new Set<(ids: readonly string[]) => void>();
  let cursor: DirectoryCursor = 0n;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<string[]> | undefined;

  const refreshOnce = async (): Promise<string[]> => {
    const read = await log.read(cursor);
    cursor = read.cursor;
    const changed = state.apply(read.events);
    if (changed.length > 0) for (const l of listeners) l(changed);
    return changed;
  };
  const view: DirectoryView = {
    log,
    refresh() {
      // One read at a time: concurrent callers share it (and a caller after it starts a fresh one).
      const p = (running ?? Promise.resolve([])).then(refreshOnce, refreshOnce);
      running = p.catch(() => []);
      return p;
    },
    async start() {
      await view.refresh();
      if (timer !== undefined) return;
      timer = setInterval(() => {
        view
          .refresh()
          .catch((err: unknown) => o.logger.warn("directory refresh failed", { error: String(err) }));
      }, o.refreshIntervalMs);
      timer.unref();
    },
    stop() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
    },
    get: (id) => state.get(id),
    eventIdOf: (id) => state.eventIdOf(id),
    list: () => state.list(),
    regionOf: (id) => state.get(id)?.regions[0],
    regionsOf: (id) => state.get(id)?.regions,
    kmsKeyIdOf: (id) => state.get(id)?.keyId,
    deletionGenerationOf(id) {
      const e = state.get(id);
      return e === undefined || e.deletionGeneration === "0" ? undefined : BigInt(e.deletionGeneration);
    },
    isErased(id, resourceAri, generation) {
      const e = state.get(id);
      if (e === undefined) return false;
      if (e.state === "ERASING" || e.state === "ERASED") return true;
      if (generation < BigInt(e.deletionGeneration)) return true;
      if (resourceAri === undefined) return false;
      return e.erasedResources.some(
        (r) => r.resourceAri === resourceAri && generation < BigInt(r.generation),
      );
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return view;
}
