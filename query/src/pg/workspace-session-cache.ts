// Workspace sessions shared by every connection of a workspace: opened on first use, reused by later queries and
// connections, and replaced in the background when the region's lake moves (a new commit to a table or to the
// sink), so a query never waits for a rebuild and never sees a half-built session. A replaced session closes once
// its last query finished; a workspace nobody queried for a while is closed. Never hands one workspace's session
// to another.
import type { WorkspaceSession } from "../session/open-workspace-session.js";

export interface SessionCacheOptions {
  /** How often the region's versions are checked, in ms. */
  readonly refreshIntervalMs: number;
  /** A workspace's session is closed after this long without a query, in ms. */
  readonly idleCloseMs: number;
  /** Operator log lines (refresh failures, slow builds). */
  readonly log: (line: string) => void;
  /** A session build slower than this is logged, in ms. */
  readonly slowBuildMs: number;
}

export const SESSION_CACHE_DEFAULTS: Readonly<SessionCacheOptions> = Object.freeze({
  refreshIntervalMs: 250,
  idleCloseMs: 5 * 60_000,
  log: () => {},
  slowBuildMs: 1_000,
});

export interface SessionLease {
  readonly session: WorkspaceSession;
  /** The lake state the session was built from (see RegionVersions.key). */
  readonly stateKey: string;
  release(): void;
}

export interface SessionCacheDeps {
  /** A new session of the workspace built from the lake as it is now. */
  readonly open: (workspace: string) => Promise<WorkspaceSession>;
  /** The region's current state key (equal keys: nothing changed). */
  readonly stateKey: () => Promise<string>;
}

interface Built {
  readonly session: WorkspaceSession;
  readonly stateKey: string;
  leases: number;
  retired: boolean;
}

interface Entry {
  current: Promise<Built>;
  building: boolean;
  lastUsed: number;
}

export class WorkspaceSessionCache {
  private readonly entries = new Map<string, Entry>();
  private readonly options: SessionCacheOptions;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private closed = false;
  /** Background builds and closes of retired sessions: close() waits for them. */
  private readonly background = new Set<Promise<unknown>>();

  constructor(
    private readonly deps: SessionCacheDeps,
    options: Partial<SessionCacheOptions> = {},
  ) {
    this.options = { ...SESSION_CACHE_DEFAULTS, ...options };
    this.timer = setInterval(() => {
      this.ticking ??= this.tick().finally(() => {
        this.ticking = undefined;
      });
    }, this.options.refreshIntervalMs);
    this.timer.unref();
  }

  /** The workspace's current session, held until release(). Opens it when there is none (errors propagate). */
  async acquire(workspace: string): Promise<SessionLease> {
    if (this.closed) throw new Error("the session cache is closed");
    let entry = this.entries.get(workspace);
    if (entry === undefined) {
      entry = { current: this.build(workspace), building: false, lastUsed: Date.now() };
      this.entries.set(workspace, entry);
      // A failed open is not cached: the next acquire tries again.
      entry.current.catch(() => {
        if (this.entries.get(workspace) === entry) this.entries.delete(workspace);
      });
    }
    entry.lastUsed = Date.now();
    const built = await entry.current;
    built.leases++;
    let released = false;
    return {
      session: built.session,
      stateKey: built.stateKey,
      release: () => {
        if (released) return;
        released = true;
        built.leases--;
        if (built.retired && built.leases === 0) this.track(built.session.close());
      },
    };
  }

  /** Interrupts every running query (graceful stop past its grace period). */
  interruptAll(): void {
    for (const entry of this.entries.values())
      void entry.current.then((b) => b.session.interrupt()).catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.ticking;
    while (this.background.size > 0) await Promise.allSettled([...this.background]);
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(all.map((e) => e.current.then((b) => b.session.close()).catch(() => undefined)));
  }

  private async build(workspace: string): Promise<Built> {
    // The key is read before the session: a commit landing during the build makes the next tick rebuild.
    const started = performance.now();
    const stateKey = await this.deps.stateKey();
    const keyed = performance.now();
    const session = await this.deps.open(workspace);
    const ms = performance.now() - started;
    if (ms > this.options.slowBuildMs)
      this.options.log(
        `slow session build for ${workspace}: ${Math.round(ms)} ms (versions ${Math.round(keyed - started)} ms)`,
      );
    return { session, stateKey, leases: 0, retired: false };
  }

  private async tick(): Promise<void> {
    if (this.entries.size === 0) return;
    let key: string;
    try {
      key = await this.deps.stateKey();
    } catch (err) {
      this.options.log(`could not read the region's versions: ${(err as Error).message}`);
      return;
    }
    const now = Date.now();
    for (const [workspace, entry] of this.entries) {
      if (entry.building) continue;
      const current = await entry.current.catch(() => undefined);
      if (current === undefined || this.closed) continue;
      if (now - entry.lastUsed > this.options.idleCloseMs && current.leases === 0) {
        this.entries.delete(workspace);
        await current.session.close();
        continue;
      }
      if (current.stateKey === key) continue;
      entry.building = true;
      const building = this.build(workspace)
        .then(
          (next) => {
            if (this.closed || this.entries.get(workspace) !== entry) {
              this.track(next.session.close());
              return;
            }
            entry.current = Promise.resolve(next);
            current.retired = true;
            if (current.leases === 0) this.track(current.session.close());
          },
          (err: unknown) =>
            this.options.log(`refreshing the session of ${workspace} failed: ${(err as Error).message}`),
        )
        .finally(() => {
          entry.building = false;
        });
      this.track(building);
    }
  }

  private track(work: Promise<unknown>): void {
    const p = work.catch(() => undefined).finally(() => this.background.delete(p));
    this.background.add(p);
  }
}
