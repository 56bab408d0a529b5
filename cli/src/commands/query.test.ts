// `facsimile query` in-process over example tables on local disk: the sandbox suite through the command line,
// then the output formats, stored examples, piped SQL, the interactive prompt and usage errors.
import { PassThrough } from "node:stream";
import {
  describeHostileQueries,
  describeSandboxConformance,
  type ExampleLake,
  openExampleLake,
  type SandboxSurface,
} from "@facsimile/query/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listCommands } from "../dispatch.js";
import command, { type QueryCliIo } from "./query.js";

let lake: ExampleLake;
beforeAll(async () => {
  lake = await openExampleLake();
});
afterAll(async () => {
  await lake.close();
});

interface Ran {
  readonly exit: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function cli(
  args: readonly string[],
  options: { stdin?: QueryCliIo["stdin"]; env?: Record<string, string>; cwd?: string } = {},
): Promise<Ran> {
  let stdout = "";
  let stderr = "";
  const io: QueryCliIo = {
    cwd: options.cwd ?? lake.dir,
    env: options.env ?? {},
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    ...(options.stdin === undefined ? {} : { stdin: options.stdin }),
  };
  const exit = await command.run(args, io);
  return { exit, stdout, stderr };
}

const base = (ws = "ws-alpha") => [
  "--lake",
  lake.location,
  "--region",
  lake.region,
  "--workspace",
  ws,
  "--threads",
  "1",
];

function stdinOf(text: string, tty: boolean): QueryCliIo["stdin"] {
  const stream = new PassThrough();
  stream.end(text);
  return Object.assign(stream, { isTTY: tty });
}

/** The command line as a sandbox surface, with these limit flags. */
const cliSurface = (limits: readonly string[]): SandboxSurface => ({
  async query(workspace, sql) {
    const r = await cli([...base(workspace), "--format", "json", ...limits, "--", sql]);
    if (r.exit === 0) {
      const body = JSON.parse(r.stdout) as { columns: { name: string }[]; rows: unknown[][] };
      return {
        ok: true,
        columns: body.columns.map((c) => c.name),
        rows: body.rows as never,
        raw: r.stdout + r.stderr,
      };
    }
    expect(r.exit, r.stderr).toBe(1);
    const m = /^facsimile query: ([A-Z_]+): ([\s\S]*)$/.exec(r.stderr);
    expect(m, r.stderr).not.toBeNull();
    return { ok: false, code: m?.[1] ?? "", message: m?.[2] ?? "", raw: r.stdout + r.stderr };
  },
});
const surface = cliSurface(["--timeout-ms", "1000"]);

describeHostileQueries(
  "command line",
  () => ({
    surface: cliSurface(["--timeout-ms", "2000", "--process-memory-limit", "768MB"]),
    tables: lake.tables,
    secrets: [lake.dir],
  }),
  { describe, it },
);

describeSandboxConformance(
  "facsimile query (CLI), local lake",
  () => ({ surface, tables: lake.tables, otherWorkspaceFile: lake.otherWorkspaceFile, secrets: [lake.dir] }),
  { describe, it },
);

describe("facsimile query", () => {
  it("is discovered by the dispatcher, with serve query beside it", async () => {
    const words = (await listCommands()).map(([w]) => w);
    expect(words).toEqual(expect.arrayContaining(["query", "serve query"]));
  });

  it("runs the stored seed query and prints a table by default, CSV on request", async () => {
    const table = await cli([...base(), "--example", "issues-resolved-per-month"]);
    expect(table.exit, table.stderr).toBe(0);
    expect(table.stdout).toBe(
      [
        "month   | project  | issues_resolved",
        "--------+----------+----------------",
        "2024-01 | Apollo   |               1",
        "2024-01 | Borealis |               1",
        "2024-02 | Apollo   |               1",
        "2024-02 | Borealis |               2",
        "2024-03 | Apollo   |               2",
        "2024-03 | Borealis |               1",
        "(6 rows)",
        "",
      ].join("\n"),
    );
    const csv = await cli([
      ...base("ws-beta"),
      "--format",
      "csv",
      "SELECT",
      "count(*)",
      "AS",
      "n",
      "FROM",
      "jira_issue",
    ]);
    expect(csv.stdout).toBe("n\r\n11\r\n");
  });

  it("lists the session's tables and columns", async () => {
    const r = await cli([...base(), "--tables"]);
    expect(r.exit).toBe(0);
    expect(r.stdout).toContain("  jira_issue (11 rows, table version 2)");
    expect(r.stdout).toContain("    resolved_at TIMESTAMPTZ");
    expect(r.stdout).not.toContain("envelope_fields_is_tombstone");
  });

  it("reads the SQL from stdin when it is not a terminal", async () => {
    const r = await cli([...base(), "--format", "json"], {
      stdin: stdinOf("SELECT key FROM jira_project\nORDER BY key;\n", false),
    });
    expect(r.exit, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ rows: [["APO"], ["BOR"]], truncated: false });
  });

  it("prompts on a terminal: statements end with ';', errors do not end the session", async () => {
    const script = [
      ".tables",
      "SELECT count(*) AS n",
      "FROM jira_issue;",
      "COPY jira_issue TO '/tmp/facsimile-leak.csv';",
      ".format csv",
      "SELECT 1 AS one;",
      ".example issues-resolved-per-month",
      ".quit",
      "SELECT 'never run';",
    ].join("\n");
    const r = await cli(base(), { stdin: stdinOf(`${script}\n`, true) });
    expect(r.exit).toBe(0);
    expect(r.stdout).toContain("ws-alpha@eu-test-1> ");
    expect(r.stdout).toContain("   ...> ");
    expect(r.stdout).toContain("jira_project (2 rows");
    expect(r.stdout).toMatch(/\.\.\.> n\n-+\n11\n\(1 row\)\n/);
    expect(r.stderr).toMatch(/^facsimile query: STATEMENT_NOT_ALLOWED: COPY statements are not allowed/m);
    expect(r.stdout).toContain("one\r\n1\r\n");
    expect(r.stdout).toContain("2024-02,Borealis,2\r\n");
    expect(r.stdout).not.toContain("never run");
  });

  it("finds the lake through FACSIMILE_LAKE, and says when the lake folder is missing", async () => {
    const r = await cli(["--region", lake.region, "--workspace", "ws-alpha", "SELECT 42"], {
      env: { FACSIMILE_LAKE: lake.location },
    });
    expect(r.stdout).toContain("42");
    const missing = await cli([
      "--lake",
      "elsewhere",
      "--region",
      "eu-test-1",
      "--workspace",
      "ws-alpha",
      "SELECT 1",
    ]);
    expect(missing.exit).toBe(1);
    expect(missing.stderr).toMatch(
      /LAKE_NOT_FOUND: the lake folder does not exist: .*\(lake: file:\/\/.*\/elsewhere\)/,
    );
  });

  it("answers usage errors with exit code 2 and the usage text", async () => {
    for (const args of [
      ["--workspace", "ws-alpha", "SELECT 1"],
      [...base(), "--format", "xml", "SELECT 1"],
      [...base(), "--example", "nope"],
      [...base(), "--example", "issues-resolved-per-month", "SELECT 1"],
      [...base(), "--timeout-ms", "soon", "SELECT 1"],
      [...base(), "--bogus"],
    ]) {
      const r = await cli(args);
      expect(r.exit, args.join(" ")).toBe(2);
      expect(r.stderr).toContain("usage: facsimile query");
    }
    const bad = await cli([
      "--lake",
      lake.location,
      "--region",
      lake.region,
      "--workspace",
      "no such ws",
      "SELECT 1",
    ]);
    expect(bad.exit).toBe(2);
    expect(bad.stderr).toContain("INVALID_ARGUMENT");
  });
});
