// The printed `facsimile query` commands name the lake only when the query command's default would miss it, and
// quote what a shell would split.
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { EXPLORE_SQL, exploreCommands, facsimileInvocation, shellWord } from "./explore-commands.js";

describe("exploreCommands", () => {
  it("leaves --lake out when the data folder is the default one", () => {
    const [sql, example] = exploreCommands({
      cwd: "/tmp/x",
      env: {},
      lake: join("/tmp/x", ".facsimile", "lake"),
      queryEnv: {},
      region: "eu",
      workspace: "acme",
    });
    expect(sql).not.toContain("--lake");
    expect(sql).toMatch(/ query --region eu --workspace acme "SELECT status, count\(\*\)/);
    expect(sql?.endsWith(`"${EXPLORE_SQL}"`)).toBe(true);
    expect(example).toMatch(/--example issues-resolved-per-month$/);
  });

  it("names another folder or an S3 lake, with the environment an S3 lake needs", () => {
    const [local] = exploreCommands({
      cwd: "/tmp/x",
      env: {},
      lake: "/tmp/x/data/lake",
      queryEnv: {},
      region: "us",
      workspace: "w",
    });
    expect(local).toContain(" --lake data/lake ");
    const [elsewhere] = exploreCommands({
      cwd: "/tmp/x",
      env: {},
      lake: "/srv/lake",
      queryEnv: {},
      region: "us",
      workspace: "w",
    });
    expect(elsewhere).toContain(" --lake /srv/lake ");
    const [s3] = exploreCommands({
      cwd: "/tmp/x",
      env: {},
      lake: "s3://facsimile-demo/run",
      queryEnv: { S3_ENDPOINT: "http://127.0.0.1:19000" },
      region: "us",
      workspace: "w",
    });
    expect(s3).toMatch(
      /^S3_ENDPOINT=http:\/\/127\.0\.0\.1:19000 .* query --lake s3:\/\/facsimile-demo\/run /,
    );
  });

  it("quotes words for a POSIX shell", () => {
    expect(shellWord("eu-west-1")).toBe("eu-west-1");
    expect(shellWord("a b")).toBe('"a b"');
    expect(shellWord("it's $HOME")).toBe(`'it'\\''s $HOME'`);
  });

  it("outside the project, runs the CLI's main.js by a path that exists", () => {
    const invocation = facsimileInvocation(tmpdir());
    expect(invocation).toMatch(/^node /);
    const path = invocation.replace(/^node /, "").replace(/^'(.*)'$/, "$1");
    expect(path).toMatch(/cli[\\/]dist[\\/]main\.js$/);
    expect(existsSync(resolve(tmpdir(), path))).toBe(true);
  });
});
