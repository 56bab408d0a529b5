// Closes a sandbox DuckDB down once the session's tables are filled: no file, network or extension access
// (enable_external_access=false, with no allowed paths, and as the only allowed directory the session's own
// spill directory, which DuckDB adds by itself so it can spill), then the configuration locked so no statement
// can undo it, then every setting read back and checked. Fails closed: a session whose settings do not read
// back exactly as expected is never handed out.
import type { DuckDBConnection } from "@duckdb/node-api";
import { quoteLiteral } from "@facsimile/lake";
import { SessionSetupError } from "../errors.js";

/** What the settings must read back as once the sandbox is locked (duckdb_settings() text values). */
export const LOCKED_SANDBOX_SETTINGS: Readonly<Record<string, string>> = Object.freeze({
  enable_external_access: "false",
  lock_configuration: "true",
  autoinstall_known_extensions: "false",
  autoload_known_extensions: "false",
  allow_community_extensions: "false",
  allow_unsigned_extensions: "false",
  allow_persistent_secrets: "false",
  allowed_paths: "[]",
});

/** allowed_directories once locked: exactly the session's spill directory (DuckDB lists it with a final "/"). */
export function lockedAllowedDirectories(spillDir: string): string {
  return `[${spillDir.replace(/\/+$/, "")}/]`;
}

export async function lockSandbox(
  connection: DuckDBConnection,
  timeZone: string,
  spillDir: string,
): Promise<void> {
  try {
    await connection.run(`SET TimeZone = ${quoteLiteral(timeZone)}`);
    // After this, DuckDB refuses every file and network access (read_*, COPY, EXPORT, ATTACH of files,
    // INSTALL, LOAD) and allowed_paths can no longer be changed.
    await connection.run("SET enable_external_access = false");
    await connection.run("SET lock_configuration = true");
  } catch (err) {
    throw new SessionSetupError(`could not lock the sandbox DuckDB: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const expected: Record<string, string> = {
    ...LOCKED_SANDBOX_SETTINGS,
    allowed_directories: lockedAllowedDirectories(spillDir),
  };
  const names = Object.keys(expected);
  const reader = await connection.runAndReadAll(
    `SELECT name, value FROM duckdb_settings() WHERE name IN (${names.map(quoteLiteral).join(", ")})`,
  );
  const actual = new Map(reader.getRows().map(([name, value]) => [String(name), String(value)]));
  const wrong = names.filter((n) => actual.get(n) !== expected[n]);
  if (wrong.length > 0)
    throw new SessionSetupError(
      `the sandbox DuckDB did not lock as expected: ${wrong
        .map((n) => `${n}=${actual.get(n) ?? "(missing)"} (want ${expected[n]})`)
        .join(", ")}`,
      { retriable: false },
    );
}
