// Analyst queries over tables on the real S3 server (MinIO), on a random prefix of the shared bucket: the
// sandbox suite through the HTTP endpoint, the CLI on an s3:// lake, and the local cache holding only the
// queried workspace's partition files (DuckDB never gets S3 credentials: it reads the cached copies).
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { runCli } from "@facsimile/cli";
import { S3ObjectStore } from "@facsimile/object-store/s3";
import {
  openQueryEngine,
  parseWorkspaceTokens,
  type QueryEngine,
  type QueryServer,
  startQueryServer,
} from "@facsimile/query";
import {
  describeSandboxConformance,
  EXPECTED_ISSUES_RESOLVED_PER_MONTH,
  type ExampleLake,
  openExampleLake,
  type SandboxSurface,
} from "@facsimile/query/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { services, uniqueName } from "../helpers.js";

let lake: ExampleLake;
let store: S3ObjectStore;
let engine: QueryEngine;
let server: QueryServer;
let env: Record<string, string>;
const tokenOf = (ws: string) => `s3-token-of-${ws}-0123456789`;

beforeAll(async () => {
  const s3 = services().s3;
  const prefix = uniqueName("query");
  env = {
    S3_ENDPOINT: s3.endpoint,
    S3_REGION: s3.region,
    S3_ACCESS_KEY_ID: s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
  };
  store = new S3ObjectStore({
    bucket: s3.bucket,
    prefix,
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
  lake = await openExampleLake({ store, location: `s3://${s3.bucket}/${prefix}` });
  // The engine opens its own store from the URL and the S3_* settings, as the CLI does.
  engine = await openQueryEngine(lake.location, {
    env,
    session: { timeoutMs: 1_500, threads: 1, tempRoot: lake.dir, cacheDir: join(lake.dir, "cache") },
  });
  const tokens = parseWorkspaceTokens({
    workspaces: Object.fromEntries(lake.tables.workspaces.map((ws) => [ws, tokenOf(ws)])),
  });
  server = await startQueryServer(engine, { tokens, port: 0 });
});
afterAll(async () => {
  await server?.close();
  await engine?.close();
  await store?.close();
  await lake?.close();
});

const surface: SandboxSurface = {
  async query(workspace, sql) {
    const res = await fetch(`${server.url}/v1/regions/${lake.region}/workspaces/${workspace}/query`, {
      method: "POST",
      headers: { authorization: `Bearer ${tokenOf(workspace)}`, "content-type": "application/json" },
      body: JSON.stringify({ sql }),
    });
    const raw = await res.text();
    const body = JSON.parse(raw) as {
      columns?: { name: string }[];
      rows?: never[];
      error?: { code: string; message: string };
    };
    if (res.status === 200)
      return { ok: true, columns: (body.columns ?? []).map((c) => c.name), rows: body.rows ?? [], raw };
    return { ok: false, code: body.error?.code ?? "", message: body.error?.message ?? "", raw };
  },
};

describeSandboxConformance(
  "HTTP endpoint, S3 lake (MinIO)",
  () => ({
    surface,
    tables: lake.tables,
    otherWorkspaceFile: lake.otherWorkspaceFile,
    secrets: [services().s3.secretAccessKey, lake.dir],
  }),
  { describe, it },
);

describe("queries over an S3 lake", () => {
  it("caches only the queried workspace's partition files", async () => {
    const cacheDir = join(lake.dir, "cache-of-ws-gamma");
    const session = await engine.openSession(lake.region, "ws-gamma", { cacheDir });
    try {
      expect((await session.query("SELECT count(*) FROM jira_issue")).rows).toEqual([
        [lake.tables.liveIssues],
      ]);
    } finally {
      await session.close();
    }
    const files = (await readdir(cacheDir, { recursive: true })).filter((f) => f.endsWith(".parquet"));
    // At least one file per table (both hold ws-gamma's rows), and nothing of any other workspace.
    expect(files.length).toBeGreaterThanOrEqual(2);
    expect(new Set(files.map((f) => /workspace_id=([^/]+)\//.exec(f)?.[1]))).toEqual(new Set(["ws-gamma"]));
  });

  it("runs the seed query through `facsimile query` on an s3:// lake", async () => {
    let stdout = "";
    let stderr = "";
    const exit = await runCli(
      [
        "query",
        "--lake",
        lake.location,
        "--region",
        lake.region,
        "--workspace",
        "ws-beta",
        "--format",
        "json",
        "--example",
        "issues-resolved-per-month",
      ],
      {
        cwd: lake.dir,
        env,
        stdout: (t) => {
          stdout += t;
        },
        stderr: (t) => {
          stderr += t;
        },
      },
    );
    expect(exit, stderr).toBe(0);
    expect((JSON.parse(stdout) as { rows: unknown }).rows).toEqual(EXPECTED_ISSUES_RESOLVED_PER_MONTH);
  });
});
