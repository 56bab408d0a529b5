// `facsimile serve query` in-process: it starts the endpoint from a tokens file, serves the seed query to the
// right workspace only, refuses what the sandbox refuses, logs without tokens or SQL, and stops on its signal.
// (The whole sandbox suite over HTTP runs in query/src/server/start-query-server.test.ts.)
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ISSUES_RESOLVED_PER_MONTH } from "@facsimile/query";
import {
  EXPECTED_ISSUES_RESOLVED_PER_MONTH,
  type ExampleLake,
  openExampleLake,
} from "@facsimile/query/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import command, { type ServeCliIo } from "./query.js";

let lake: ExampleLake;
const ALPHA = "alpha-serve-token-0123456789";
const BETA = "beta-serve-token-0123456789";

beforeAll(async () => {
  lake = await openExampleLake();
  await writeFile(
    join(lake.dir, "tokens.json"),
    JSON.stringify({ workspaces: { "ws-alpha": ALPHA, "ws-beta": [BETA] } }),
  );
});
afterAll(async () => {
  await lake.close();
});

function start(args: readonly string[]) {
  const out = { stdout: "", stderr: "" };
  const controller = new AbortController();
  const io: ServeCliIo = {
    cwd: lake.dir,
    env: { FACSIMILE_LAKE: lake.location },
    stdout: (t) => {
      out.stdout += t;
    },
    stderr: (t) => {
      out.stderr += t;
    },
    signal: controller.signal,
  };
  const exit = command.run(args, io);
  return { out, exit, stop: () => controller.abort() };
}

async function listening(out: { stdout: string }, exit: Promise<number>): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const url = /on (http:\/\/\S+) /.exec(out.stdout)?.[1];
    if (url !== undefined) return url;
    const done = await Promise.race([exit, new Promise((r) => setTimeout(() => r(undefined), 25))]);
    if (done !== undefined) throw new Error(`the server exited with ${done}`);
  }
  throw new Error("the server did not say where it listens");
}

describe("facsimile serve query", () => {
  it("serves each workspace its own rows, refuses the sandbox's cases, then stops on its signal", async () => {
    const server = start([
      "--tokens",
      "tokens.json",
      "--port",
      "0",
      "--timeout-ms",
      "1000",
      "--threads",
      "1",
    ]);
    const url = await listening(server.out, server.exit);
    const ask = async (ws: string, token: string, sql: string) => {
      const res = await fetch(`${url}/v1/regions/${lake.region}/workspaces/${ws}/query`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ sql }),
      });
      return {
        status: res.status,
        body: (await res.json()) as { rows?: unknown[][]; error?: { code: string } },
      };
    };
    try {
      const seed = await ask("ws-beta", BETA, ISSUES_RESOLVED_PER_MONTH.sql);
      expect(seed.status).toBe(200);
      expect(seed.body.rows).toEqual(EXPECTED_ISSUES_RESOLVED_PER_MONTH);
      expect((await ask("ws-alpha", BETA, "SELECT 1")).status).toBe(403);
      const copy = await ask("ws-alpha", ALPHA, "COPY jira_issue TO '/tmp/facsimile-leak.csv'");
      expect([copy.status, copy.body.error?.code]).toEqual([400, "STATEMENT_NOT_ALLOWED"]);
      const slow = await ask(
        "ws-alpha",
        ALPHA,
        "SELECT count(*) FROM range(1000000000000) AS a(x) WHERE x % 7 = 3",
      );
      expect([slow.status, slow.body.error?.code]).toEqual([408, "QUERY_TIMEOUT"]);
    } finally {
      server.stop();
    }
    expect(await server.exit).toBe(0);
    expect(server.out.stderr).toMatch(/POST \/v1\/regions\/eu-test-1\/workspaces\/ws-beta\/query 200 \d+ms/);
    expect(server.out.stderr).toContain("403 FORBIDDEN");
    expect(server.out.stderr).not.toContain(BETA);
    expect(server.out.stderr).not.toContain("COPY");
  });

  it("refuses to start without a usable tokens file", async () => {
    const none = start(["--port", "0"]);
    expect(await none.exit).toBe(2);
    expect(none.out.stderr).toContain("--tokens is required");
    await writeFile(join(lake.dir, "weak.json"), JSON.stringify({ workspaces: { "ws-alpha": "short" } }));
    const weak = start(["--tokens", "weak.json", "--port", "0"]);
    expect(await weak.exit).toBe(2);
    expect(weak.out.stderr).toContain("shorter than 16");
    const bad = start(["--tokens", "tokens.json", "--port", "99999"]);
    expect(await bad.exit).toBe(2);
  });
});
