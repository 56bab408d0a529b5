// Small jira_project and jira_issue target tables for a few workspaces of one region, written with the lake's
// Merge writer in the column shape the ingest pipeline produces (envelope_fields_*, `<field>_value` for String
// and ComposedBy fields, TIMESTAMPTZ timestamps named after the field, partitioned by workspace_id), with one
// tombstoned issue per workspace. For tests, benchmarks and trying the query tools; never for real data.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { type MergeConfig, mergeBatch, openTable, regionLayout } from "@facsimile/lake";
import type { ObjectStore } from "@facsimile/object-store";
import { checkWorkspaceId } from "../catalog/plan-workspace-view.js";

const ENVELOPE = {
  envelope_fields_resource_ari_value: "VARCHAR",
  envelope_fields_version: "BIGINT",
  envelope_fields_is_tombstone: "BOOLEAN",
  envelope_fields_workspace_id_value: "VARCHAR",
  envelope_fields_generation_counter: "BIGINT",
  envelope_fields_payload_hash: "VARCHAR",
} as const;

const REQUIRED = { row_refreshed_at: "TIMESTAMPTZ", shard_id: "VARCHAR", workspace_id: "VARCHAR" } as const;

export const EXAMPLE_PROJECT_COLUMNS: Readonly<Record<string, string>> = Object.freeze({
  ...ENVELOPE,
  project_id: "VARCHAR",
  key: "VARCHAR",
  name: "VARCHAR",
  description_value: "VARCHAR",
  project_type: "VARCHAR",
  archived: "BOOLEAN",
  created_at: "TIMESTAMPTZ",
  ...REQUIRED,
});

export const EXAMPLE_ISSUE_COLUMNS: Readonly<Record<string, string>> = Object.freeze({
  ...ENVELOPE,
  issue_id_value: "VARCHAR",
  key: "VARCHAR",
  project_value: "VARCHAR",
  summary: "VARCHAR",
  status: "VARCHAR",
  assignee_value: "VARCHAR",
  labels: "VARCHAR[]",
  vote_count: "INTEGER",
  watch_count: "BIGINT",
  story_points: "DOUBLE",
  created_at: "TIMESTAMPTZ",
  resolved_at: "TIMESTAMPTZ",
  ...REQUIRED,
});

/** The Merge writer's settings for target tables: keyed by resource ARI, LWW on the envelope fields. */
export const EXAMPLE_MERGE_CONFIG: MergeConfig = Object.freeze({
  kind: "merge",
  primaryKey: ["envelope_fields_resource_ari_value"],
  partitionColumns: ["workspace_id"],
  lww: {
    generation: "envelope_fields_generation_counter",
    version: "envelope_fields_version",
    tombstone: "envelope_fields_is_tombstone",
    payloadHash: "envelope_fields_payload_hash",
  },
});

export interface ExampleTablesOptions {
  readonly workspaces: readonly string[];
  /** Issues per workspace (the first one ends up tombstoned; the last quarter stay unresolved). */
  readonly issuesPerWorkspace: number;
}

export const EXAMPLE_TABLES_DEFAULTS: Readonly<ExampleTablesOptions> = Object.freeze({
  workspaces: Object.freeze(["ws-alpha", "ws-beta", "ws-gamma"]),
  issuesPerWorkspace: 12,
});

export interface ExampleTables {
  readonly region: string;
  readonly workspaces: readonly string[];
  readonly tables: readonly string[];
  /** Live (not tombstoned) issues per workspace. */
  readonly liveIssues: number;
  readonly projects: number;
  /** A string that appears in every workspace's rows and nowhere else: leak checks look for it. */
  marker(workspace: string): string;
}

const PROJECTS = ["Apollo", "Borealis"] as const;

export async function writeExampleTables(
  store: ObjectStore,
  region: string,
  options: Partial<ExampleTablesOptions> = {},
): Promise<ExampleTables> {
  const o = { ...EXAMPLE_TABLES_DEFAULTS, ...options };
  for (const ws of o.workspaces) checkWorkspaceId(ws);
  const dir = await mkdtemp(join(tmpdir(), "facsimile-example-tables-"));
  const instance = await DuckDBInstance.create(":memory:", { threads: "1" });
  const connection = await instance.connect();
  try {
    const open = (name: string) =>
      openTable(store, regionLayout.table(region, name), connection, {
        scratchDir: join(dir, "scratch"),
        cacheDir: join(dir, "cache"),
      });
    const projects = o.workspaces.flatMap((ws, k) => PROJECTS.map((_, p) => projectRow(ws, k, p)));
    await mergeBatch(
      open("jira_project"),
      EXAMPLE_MERGE_CONFIG,
      { rows: projects, columns: EXAMPLE_PROJECT_COLUMNS },
      { appId: "example-tables", version: 1 },
    );
    const issues = o.workspaces.flatMap((ws, k) =>
      Array.from({ length: o.issuesPerWorkspace }, (_, i) => issueRow(ws, k, i, o.issuesPerWorkspace)),
    );
    const table = open("jira_issue");
    await mergeBatch(
      table,
      EXAMPLE_MERGE_CONFIG,
      { rows: issues, columns: EXAMPLE_ISSUE_COLUMNS },
      { appId: "example-tables", version: 1 },
    );
    // The delete of issue 0 arrives later with a higher version; the row stays, flagged, payload and all.
    const tombstones = o.workspaces.map((ws, k) => ({
      ...issueRow(ws, k, 0, o.issuesPerWorkspace),
      envelope_fields_version: 2,
      envelope_fields_is_tombstone: true,
    }));
    await mergeBatch(
      table,
      EXAMPLE_MERGE_CONFIG,
      { rows: tombstones, columns: EXAMPLE_ISSUE_COLUMNS },
      { appId: "example-tables", version: 2 },
    );
  } finally {
    connection.closeSync();
    instance.closeSync();
    await rm(dir, { recursive: true, force: true });
  }
  return {
    region,
    workspaces: [...o.workspaces],
    tables: ["jira_issue", "jira_project"],
    liveIssues: o.issuesPerWorkspace - 1,
    projects: PROJECTS.length,
    marker,
  };
}

function marker(workspace: string): string {
  return `marker-of-${workspace}`;
}

function envelope(ws: string, ari: string, version: number): Record<string, unknown> {
  return {
    envelope_fields_resource_ari_value: ari,
    envelope_fields_version: version,
    envelope_fields_is_tombstone: false,
    envelope_fields_workspace_id_value: `ari:cloud:platform::workspace/${ws}`,
    envelope_fields_generation_counter: 0,
    envelope_fields_payload_hash: `${ari}@${version}`,
    row_refreshed_at: "2024-04-01T00:00:00Z",
    shard_id: "shard-1",
    workspace_id: ws,
  };
}

const projectAri = (ws: string, p: number) => `ari:cloud:jira:${ws}:project/${p + 1}`;

function projectRow(ws: string, k: number, p: number): Record<string, unknown> {
  const name = PROJECTS[p] ?? `Project ${p + 1}`;
  return {
    ...envelope(ws, projectAri(ws, p), 1),
    project_id: String(10_000 + k * 100 + p + 1),
    key: name.slice(0, 3).toUpperCase(),
    name,
    description_value: `${name} project (${marker(ws)})`,
    project_type: "SOFTWARE",
    archived: false,
    created_at: "2023-06-01T09:00:00Z",
  };
}

/** Issue i: project i % 2, resolved in month i % 3 + 1 of 2024 unless in the last quarter of the issues. */
function issueRow(ws: string, k: number, i: number, count: number): Record<string, unknown> {
  const p = i % 2;
  const day = String(10 + (k % 18)).padStart(2, "0");
  const resolved = i < count - Math.ceil(count / 4);
  const key = `${(PROJECTS[p] ?? "PRJ").slice(0, 3).toUpperCase()}-${i + 1}`;
  return {
    ...envelope(ws, `ari:cloud:jira:${ws}:issue/${i + 1}`, 1),
    issue_id_value: String(i + 1),
    key,
    project_value: projectAri(ws, p),
    summary: `${key} in ${ws} (${marker(ws)})`,
    status: resolved ? "DONE" : "IN_PROGRESS",
    assignee_value: `user-${i % 3}`,
    labels: i % 2 === 0 ? ["backend"] : ["frontend", "ux"],
    vote_count: i,
    watch_count: i * 2,
    story_points: (i % 5) + 0.5,
    created_at: `2023-12-${day}T08:00:00Z`,
    resolved_at: resolved ? `2024-0${(i % 3) + 1}-${day}T12:00:00Z` : null,
  };
}
