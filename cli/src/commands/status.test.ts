// `facsimile status` flag handling and the directory's jobs it shows, in-process: usage errors, --help, the jobs
// of a data folder (a migration in the lake's job store, an erasure in the directory's file log) with and without
// --json, --no-jobs. Workers are unreachable here (a closed port): the command says so and exits 1.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  bootstrapDirectory,
  createDirectoryView,
  createFileDirectoryLog,
  createJobStore,
} from "@facsimile/control-plane";
import { LocalObjectStore } from "@facsimile/object-store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT } from "../command.js";
import command from "./status.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "facsimile-status-"));
  const store = new LocalObjectStore(join(dir, "lake"), { durable: false });
  await createJobStore(store).put({
    id: "migrate-ws-1-abc",
    kind: "migrate",
    plan: {
      workspaceId: "ws-1",
      from: ["eu"],
      to: ["us"],
      add: ["us"],
      remove: ["eu"],
      keep: [],
      source: "eu",
    },
    step: "switched",
    progress: "switched",
    done: 2,
    total: 4,
    actor: "t",
    reason: "t",
    createdAt: "2026-01-01T00:00:00Z",
    updatedAt: "2026-01-01T00:00:00Z",
  });
  await store.close();
  const log = createFileDirectoryLog(join(dir, "directory.log"));
  await bootstrapDirectory(createDirectoryView(log), [
    {
      workspaceId: "ws-2",
      realm: "global",
      regions: ["eu"],
      state: "ERASING",
      deletionGeneration: "3",
      keyId: undefined,
      erasedResources: [],
    },
  ]);
  await log.close();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function status(args: string[]): Promise<{ exit: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const exit = await command.run(args, {
    cwd: dir,
    env: {},
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
  });
  return { exit, stdout, stderr };
}

const DEAD = "http://127.0.0.1:1/metrics";

describe("facsimile status", () => {
  it("rejects bad flags with the usage and exit 2; --help prints it with exit 0", async () => {
    const none = await status([]);
    expect(none.exit).toBe(EXIT.USAGE);
    expect(none.stderr).toMatch(/--region is required/);
    const two = await status(["--region", "eu", "--region", "us", "--metrics", DEAD]);
    expect(two.exit).toBe(EXIT.USAGE);
    expect(two.stderr).toMatch(/give one --region/);
    const unknown = await status(["--region", "eu", "--bogus"]);
    expect(unknown.exit).toBe(EXIT.USAGE);
    expect(unknown.stderr).toMatch(/bogus/);
    const help = await status(["--help"]);
    expect(help.exit).toBe(EXIT.OK);
    expect(help.stdout).toMatch(/^usage: facsimile status/);
  });

  it("shows the directory's jobs in flight in the region: a migration and an erasure", async () => {
    const text = await status(["--region", "eu", "--metrics", DEAD, "--data", dir]);
    expect(text.exit).toBe(EXIT.FAILED);
    expect(text.stderr).toMatch(/eu: no reachable worker/);
    expect(text.stdout).toMatch(/jobs: 2 in flight/);
    expect(text.stdout).toMatch(/migrate migrate-ws-1-abc \(ws-1\): switched 2\/4/);
    expect(text.stdout).toMatch(/erase ws-2 \(ws-2\): ERASING/);

    const json = await status(["--region", "us", "--metrics", DEAD, "--data", dir, "--json"]);
    const parsed = JSON.parse(json.stdout) as { jobs: Record<string, { id: string }[]> };
    // us is the migration's target; the erasure is in eu only.
    expect(parsed.jobs.us?.map((j) => j.id)).toEqual(["migrate-ws-1-abc"]);

    const without = await status(["--region", "eu", "--metrics", DEAD, "--data", dir, "--no-jobs", "--json"]);
    expect((JSON.parse(without.stdout) as { jobs: object }).jobs).toEqual({});
  });
});
