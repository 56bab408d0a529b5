// The first wall on its own: once locked, DuckDB itself refuses file access, extension loading and setting
// changes, even for statements the statement check never sees. Run raw on the connection, in-process.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SessionSetupError } from "../errors.js";
import { lockSandbox } from "./lock-sandbox.js";
import { openSandboxDb, type SandboxDb } from "./open-sandbox-db.js";
import { SANDBOX_DEFAULTS } from "./sandbox-options.js";

let dir: string;
let db: SandboxDb;
let file: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "facsimile-lock-test-"));
  db = await openSandboxDb({ ...SANDBOX_DEFAULTS, threads: 1, tempRoot: dir });
  file = join(dir, "rows.parquet");
  await db.connection.run(`COPY (SELECT 1 AS id, 'secret' AS s) TO '${file}' (FORMAT parquet)`);
  await db.connection.run(`CREATE TABLE t AS SELECT id FROM read_parquet('${file}')`);
  await lockSandbox(db.connection, "UTC", db.spillDir);
});
afterAll(async () => {
  await db.close();
  await rm(dir, { recursive: true, force: true });
});

async function duckDbRefuses(sql: string): Promise<string> {
  const err = await db.connection.run(sql).then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  expect(err, sql).toBeInstanceOf(Error);
  return (err as Error).message;
}

describe("a locked sandbox DuckDB", () => {
  it("still answers SELECTs over its own tables, in UTC", async () => {
    expect((await db.connection.runAndReadAll("SELECT id FROM t")).getRows()).toEqual([[1]]);
    const zone = await db.connection.runAndReadAll("SELECT current_setting('TimeZone')");
    expect(zone.getRows()).toEqual([["UTC"]]);
  });

  it("refuses every file access, even to the file its table came from", async () => {
    for (const sql of [
      `SELECT * FROM read_parquet('${file}')`,
      `SELECT * FROM '${file}'`,
      "SELECT * FROM read_csv('/etc/passwd')",
      "SELECT * FROM glob('/*')",
      `COPY t TO '${join(dir, "out.csv")}'`,
      `EXPORT DATABASE '${join(dir, "export")}'`,
      `ATTACH '${join(dir, "other.duckdb")}' AS other`,
    ])
      expect(await duckDbRefuses(sql)).toMatch(/^Permission Error/);
  });

  it("refuses installing and loading extensions", async () => {
    expect(await duckDbRefuses("INSTALL httpfs")).toMatch(/Permission Error/);
    expect(await duckDbRefuses("LOAD httpfs")).toMatch(/Permission Error/);
  });

  it("refuses every configuration change", async () => {
    for (const sql of [
      "SET enable_external_access = true",
      "SET threads = 8",
      "SET memory_limit = '8GB'",
      "RESET lock_configuration",
      "SET allowed_directories = ['/']",
      "PRAGMA threads = 8",
    ])
      expect(await duckDbRefuses(sql)).toMatch(/configuration has been locked|Cannot change/);
  });

  it("reads back the locked settings, and fails closed when one is not as expected", async () => {
    const other = await openSandboxDb({ ...SANDBOX_DEFAULTS, threads: 1, tempRoot: dir });
    try {
      const err = await lockSandbox(other.connection, "UTC", "/not/the/spill/dir").catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SessionSetupError);
      expect((err as SessionSetupError).message).toContain("allowed_directories");
      expect((err as SessionSetupError).retriable).toBe(false);
    } finally {
      await other.close();
    }
  });
});
