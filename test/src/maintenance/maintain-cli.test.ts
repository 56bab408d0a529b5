// `facsimile maintain` and `facsimile restore` on a lake folder: plans printed first (--dry-run changes nothing),
// then executed; usage errors exit 2; `maintain --schedule` runs in a long-lived process and stops cleanly on
// SIGTERM (a real process, from the built CLI).
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runCli } from "@facsimile/cli";
import { loadSnapshot, openDuckDb, openTable, readRows, regionLayout, type Table } from "@facsimile/lake";
import { mergeTargetRows } from "@facsimile/maintenance/testing";
import { LocalObjectStore } from "@facsimile/object-store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const CLI = fileURLToPath(new URL("../../../cli/dist/main.js", import.meta.url));

let dir: string;
let table: Table;
let duck: Awaited<ReturnType<typeof openDuckDb>>;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "facsimile-maintain-cli-"));
  duck = await openDuckDb();
  const store = new LocalObjectStore(join(dir, "lake"), { durable: false });
  table = openTable(store, regionLayout.table("eu", "items"), duck.connection, {
    scratchDir: join(dir, "scratch"),
  });
  for (let b = 0; b < 5; b++)
    await mergeTargetRows(
      table,
      Array.from({ length: 4 }, (_, i) => ({ workspace: `ws${i % 2}`, resource: `r${b}-${i}`, version: 1 })),
      b,
    );
});
afterAll(async () => {
  duck?.close();
  await rm(dir, { recursive: true, force: true });
});

async function cli(args: readonly string[]) {
  let stdout = "";
  let stderr = "";
  const exit = await runCli(args, {
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

const where = () => ["--region", "eu", "--lake", join(dir, "lake"), "--data", dir];
/** In-process: keep the test worker's priority (the command renices itself by default). */
const maintain = (...args: string[]) => cli(["maintain", "--nice", "0", ...args]);

describe("facsimile maintain / restore", () => {
  it("plans, then executes optimize and checkpoint; restores a version; refuses bad usage", async () => {
    const rows = (await readRows(table)).length;
    const dry = await maintain(...where(), "optimize", "--dry-run");
    expect(dry.exit).toBe(0);
    expect(dry.stdout).toMatch(
      /optimize .*items at version 5: 10 files in 2 partitions; compact 10 small files .* in 2 partitions/,
    );
    expect((await loadSnapshot(table)).version).toBe(5);

    const run = await maintain(...where(), "--table", "items", "optimize");
    expect(run.exit).toBe(0);
    expect(run.stdout).toMatch(/done eu\/items: .*"filesRemoved":10,"filesAdded":2/);
    expect((await loadSnapshot(table)).files.size).toBe(2);
    expect((await readRows(table)).length).toBe(rows);

    const checkpoint = await maintain("checkpoint", ...where(), "--json");
    expect(checkpoint.exit).toBe(0);
    expect(JSON.parse(checkpoint.stdout.trim())).toMatchObject({
      table: "items",
      operation: "checkpoint",
      result: { version: 6 },
    });

    const restore = await cli(["restore", ...where(), "--table", "items", "--version", "2"]);
    expect(restore.exit).toBe(0);
    expect(restore.stdout).toMatch(
      /restored eu\/items to version 2 as version 7: 4 files .* restored, 2 files .* removed/,
    );
    expect((await readRows(table)).length).toBe(8);

    expect((await maintain(...where())).exit).toBe(2);
    expect((await maintain(...where(), "compact")).stderr).toMatch(/unknown operation "compact"/);
    expect((await cli(["restore", ...where(), "--table", "items"])).exit).toBe(2);
    const missing = await cli(["restore", ...where(), "--table", "nope", "--version", "1"]);
    expect(missing).toMatchObject({ exit: 1 });
    expect(missing.stderr).toMatch(
      /MAINTENANCE_TABLE_NOT_FOUND: region "eu" has no table "nope"; it has items/,
    );
  });

  it("runs the schedule in a long-lived process and stops cleanly on SIGTERM", {
    timeout: 60_000,
  }, async () => {
    const child = spawn(
      process.execPath,
      [CLI, "maintain", "--schedule", "--intervals", "checkpoint=200ms,vacuum=1h", ...where()],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      out += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const deadline = Date.now() + 45_000;
    while ((out.match(/schedule: checkpoint done/g) ?? []).length < 2 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect((out.match(/schedule: checkpoint done/g) ?? []).length).toBeGreaterThanOrEqual(2);
    expect(out).toMatch(/maintain --schedule: stopped/);
  });
});
