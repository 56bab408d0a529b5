// The entry point of analyst queries over one lake: it opens the lake's object store (a local folder or
// s3://bucket/prefix) once and hands out workspace sessions, each a fresh sandbox built from the tables'
// latest snapshots. Holds no DuckDB of its own and no analyst SQL; must never give DuckDB store credentials.
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ObjectStore, openObjectStore } from "@facsimile/object-store";
import {
  openWorkspaceSession,
  type SessionOptions,
  type WorkspaceSession,
} from "./session/open-workspace-session.js";

export interface QueryEngineOptions {
  /** Session limits and view rules (see SessionOptions); cacheDir defaults to a folder under the OS temp dir. */
  readonly session: Partial<SessionOptions>;
  /** Where S3_* settings come from for an s3:// lake (S3_ENDPOINT, S3_REGION, S3_ACCESS_KEY_ID, ...). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

export const QUERY_ENGINE_DEFAULTS: Readonly<QueryEngineOptions> = Object.freeze({
  session: Object.freeze({}),
  env: process.env,
});

/** Where remote data files are cached when the options do not say. */
export const DEFAULT_QUERY_CACHE_DIR = join(tmpdir(), "facsimile-query", "cache");

export interface QueryEngine {
  /** The lake's URL, for operators' messages. */
  readonly lake: string;
  readonly store: ObjectStore;
  /** A new session for `workspace` in `region`; the caller closes it. */
  openSession(
    region: string,
    workspace: string,
    overrides?: Partial<SessionOptions>,
  ): Promise<WorkspaceSession>;
  /** Closes the store (sessions are the caller's to close). */
  close(): Promise<void>;
}

/** `lake`: a local path, a file:// URL, an s3://bucket/prefix URL, or an already open store (kept open). */
export async function openQueryEngine(
  lake: string | ObjectStore,
  options: Partial<QueryEngineOptions> = {},
): Promise<QueryEngine> {
  const o = { ...QUERY_ENGINE_DEFAULTS, ...options };
  const owned = typeof lake === "string";
  const store = typeof lake === "string" ? await openObjectStore(lake, { env: o.env }) : lake;
  return {
    lake: store.url,
    store,
    openSession(region, workspace, overrides = {}) {
      return openWorkspaceSession(store, region, workspace, {
        cacheDir: DEFAULT_QUERY_CACHE_DIR,
        ...o.session,
        ...overrides,
      });
    },
    async close() {
      if (owned) await store.close();
    },
  };
}
