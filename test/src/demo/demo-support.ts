// Shared by the demo's end-to-end tests: run `facsimile demo` (and the commands it prints) in-process through the
// CLI dispatcher, and read every table of a lake for comparison, leaving out only the columns that record when
// and where a record was delivered (which a different delivery must change).
import { fileURLToPath } from "node:url";
import { type CliIo, runCli } from "@facsimile/cli";
import { openDuckDb, openTable, readRows, regionLayout } from "@facsimile/lake";
import type { ObjectStore } from "@facsimile/object-store";
import { listRegionTables } from "@facsimile/query";
import { loadDefaultRegistry } from "@facsimile/schemas";
import { compileModels } from "@facsimile/transforms";

export const SCHEMAS_DIR = fileURLToPath(new URL("../../../schemas", import.meta.url));

/** Columns that say when a record was appended and where: they differ between two deliveries of one workload. */
export const DELIVERY_COLUMNS: readonly string[] = Object.freeze([
  "row_refreshed_at",
  "row_refreshed_at_day",
  "record_timestamp",
  "kafka_partition",
  "kafka_offset",
]);

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runFacsimile(
  argv: readonly string[],
  cwd: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const io: CliIo & { stderrIsTTY: boolean } = {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    cwd,
    env,
    stderrIsTTY: false,
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

/** The environment a command sees, without a FACSIMILE_LAKE or FACSIMILE_HOME of the developer's that would move
 * the default lake. */
export function cleanEnv(extra: Readonly<Record<string, string>> = {}): Record<string, string | undefined> {
  const { FACSIMILE_LAKE: _, FACSIMILE_HOME: __, ...rest } = process.env;
  return { ...rest, ...extra };
}

/** A printed command line split like a POSIX shell would (quotes, `VAR=value` prefixes, a trailing `# comment`). */
export function parseCommandLine(line: string): { env: Record<string, string>; argv: string[] } {
  const words = [...line.replace(/\s+#.*$/, "").matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map(
    (m) => m[1] ?? m[2] ?? m[3] ?? "",
  );
  const env: Record<string, string> = {};
  while (/^[A-Z_][A-Z0-9_]*=/.test(words[0] ?? "")) {
    const [k, ...v] = (words.shift() ?? "").split("=");
    env[k ?? ""] = v.join("=");
  }
  const at = words.indexOf("query");
  if (at < 0) throw new Error(`not a facsimile query command: ${line}`);
  return { env, argv: words.slice(at) };
}

/** The lines under "explore further:" of a demo summary. */
export function exploreLines(summary: string): string[] {
  const after = summary.split("explore further:\n")[1] ?? "";
  return after
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "");
}

export interface LakeTables {
  /** `<region>/<table>` -> rows as sorted JSON texts without the delivery columns. */
  readonly rows: ReadonlyMap<string, readonly string[]>;
  /** Tables written by an Append model: compare their distinct rows (a later duplicate is a second row). */
  readonly appendTables: ReadonlySet<string>;
}

export async function readLakeTables(store: ObjectStore, regions: readonly string[]): Promise<LakeTables> {
  const { models } = await compileModels(loadDefaultRegistry());
  const appendTables = new Set(models.filter((m) => m.writer.kind === "append").map((m) => m.table));
  const rows = new Map<string, string[]>();
  const duck = await openDuckDb();
  try {
    for (const region of regions)
      for (const table of await listRegionTables(store, region)) {
        const got = await readRows(openTable(store, regionLayout.table(region, table), duck.connection));
        const texts = got.map((row) =>
          JSON.stringify(Object.entries(row).filter(([k]) => !DELIVERY_COLUMNS.includes(k))),
        );
        rows.set(`${region}/${table}`, texts.sort());
      }
  } finally {
    duck.close();
  }
  return { rows, appendTables };
}

/** Rows of a table for comparison: all of them, or the distinct ones for an Append table. */
export function comparable(tables: LakeTables, key: string): string[] {
  const rows = tables.rows.get(key) ?? [];
  return tables.appendTables.has(key.split("/")[1] ?? "") ? [...new Set(rows)] : [...rows];
}
