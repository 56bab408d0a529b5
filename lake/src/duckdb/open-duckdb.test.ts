// DuckDB opened offline, for real and in-process: settings that forbid downloads, a clear error when an
// extension file is missing, and the S3 secret statement. Loading delta/httpfs themselves is covered by
// test/src/lake/interop-duckdb.test.ts, which installs them first.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DuckDbExtensionMissingError } from "../errors.js";
import { defaultDuckDbExtensionDirectory, duckDbExtensionPath } from "./extension-directory.js";
import { openDuckDb } from "./open-duckdb.js";
import { duckDbS3SecretSql } from "./s3-secret.js";

const dirs: string[] = [];
async function emptyDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "facsimile-duckdb-ext-"));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("openDuckDb", () => {
  it("opens with autoinstall and autoload off and the extension directory set", async () => {
    const dir = await emptyDir();
    const db = await openDuckDb({ extensionDirectory: dir });
    try {
      const rows = (
        await db.connection.runAndReadAll(
          "SELECT current_setting('extension_directory'), current_setting('autoinstall_known_extensions')," +
            " current_setting('autoload_known_extensions')",
        )
      ).getRows();
      expect(rows).toEqual([[dir, false, false]]);
      // Built-in extensions need no directory: parquet round trip in memory.
      const out = join(dir, "x.parquet");
      await db.connection.run(`COPY (SELECT 42 AS answer) TO '${out}' (FORMAT parquet)`);
      expect((await db.connection.runAndReadAll(`SELECT answer FROM '${out}'`)).getRows()).toEqual([[42]]);
    } finally {
      db.close();
    }
  });

  it("says which file is missing and how to install it, instead of trying to download", async () => {
    const dir = await emptyDir();
    const err = await openDuckDb({ extensionDirectory: dir, extensions: ["delta"] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DuckDbExtensionMissingError);
    const e = err as DuckDbExtensionMissingError;
    expect(e.code).toBe("DUCKDB_EXTENSION_MISSING");
    expect(e.message).toContain("lake/scripts/setup-interop.sh");
    expect(e.context.path).toMatch(new RegExp(`^${dir}/v1\\.4\\.4/[a-z0-9_]+/delta\\.duckdb_extension$`));
  });

  it("does not autoload a known extension on first use", async () => {
    const db = await openDuckDb({ extensionDirectory: await emptyDir() });
    try {
      await expect(db.connection.run("SELECT * FROM delta_scan('/nowhere')")).rejects.toThrow(/delta/i);
    } finally {
      db.close();
    }
  });
});

describe("extension directory", () => {
  it("comes from FACSIMILE_DUCKDB_EXTENSION_DIR, else from the cache", () => {
    expect(defaultDuckDbExtensionDirectory({ FACSIMILE_DUCKDB_EXTENSION_DIR: "/x" })).toBe("/x");
    expect(defaultDuckDbExtensionDirectory({ FACSIMILE_CACHE: "/c" })).toBe("/c/duckdb-extensions");
    expect(defaultDuckDbExtensionDirectory({ HOME: "/h" })).toBe("/h/.cache/facsimile/duckdb-extensions");
    expect(duckDbExtensionPath("/d", "v1.4.4", "linux_amd64", "delta")).toBe(
      "/d/v1.4.4/linux_amd64/delta.duckdb_extension",
    );
  });
});

describe("duckDbS3SecretSql", () => {
  it("builds a temporary, path-style secret for a plain-HTTP endpoint and escapes quotes", () => {
    const sql = duckDbS3SecretSql({
      endpoint: "http://127.0.0.1:19000",
      accessKeyId: "facsimile",
      secretAccessKey: "it's",
      pathStyle: true,
    });
    expect(sql).toBe(
      "CREATE OR REPLACE TEMPORARY SECRET facsimile_s3 (TYPE s3, KEY_ID 'facsimile', SECRET 'it''s', " +
        "REGION 'us-east-1', URL_STYLE 'path', ENDPOINT '127.0.0.1:19000', USE_SSL false)",
    );
    expect(() => duckDbS3SecretSql({ name: "x; DROP", accessKeyId: "a", secretAccessKey: "b" })).toThrow(
      /invalid DuckDB secret name/,
    );
  });
});
