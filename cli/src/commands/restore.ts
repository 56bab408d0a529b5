import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { openDuckDb, openTable, TABLE_DEFAULTS } from "@facsimile/lake";
import {
  describePlan,
  executeRestore,
  formatBytes,
  maintenanceTables,
  planRestore,
} from "@facsimile/maintenance";
import { type CliCommand, EXIT, parseCommandFlags, usageError } from "../command.js";
import {
  CONTROL_DIRECTORY_OPTIONS,
  CONTROL_DIRECTORY_USAGE,
  controlLake,
  openControlDirectory,
} from "../control-directory.js";
import { openRoutedLake } from "../lake-keys.js";
import { errorText, kmsKeyIdFor, toJson } from "../maintenance-flags.js";

const usage = `usage: facsimile restore --region <r> --table <t> (--version <n> | --timestamp <ts>) [--dry-run] [options]

Restores a table to an earlier version (Delta RESTORE semantics): one new commit removes the current files that
version did not have and brings back its files. Every erasure the registry (the directory) holds is applied to
the files coming back, so a restore never brings erased data back (those files are rewritten without the erased
rows). Prints the plan first, then the files and bytes restored. Txns are not restored: writers keep their places.

  --region <r>             the table's region
  --table <t>              the table ("sink" is the raw sink)
  --version <n>            restore this version
  --timestamp <ts>         restore the latest version committed at or before this instant (ISO 8601 or ms)
  --dry-run                print the plan and change nothing
  --lake <url>             lake root: a path, file:///path or s3://bucket/prefix (default $FACSIMILE_LAKE, else <data>/lake)
  --json                   print the plan or result as JSON
${CONTROL_DIRECTORY_USAGE}

exit codes: 0 restored (or planned), 1 failed, 2 usage`;

const OPTIONS = {
  ...CONTROL_DIRECTORY_OPTIONS,
  region: { type: "string" },
  table: { type: "string" },
  version: { type: "string" },
  timestamp: { type: "string" },
  "dry-run": { type: "boolean" },
  lake: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean" },
} as const;

function parseTimestamp(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  const t = Date.parse(text);
  return Number.isNaN(t) ? undefined : t;
}

const command: CliCommand = {
  summary: "restore a table to a version or an instant (Delta RESTORE) without bringing erased data back",
  usage,
  async run(args, io) {
    const values = parseCommandFlags(args, OPTIONS, usage, io);
    if (typeof values === "number") return values;
    if (values.region === undefined || values.table === undefined)
      return usageError(io, usage, "--region and --table are required");
    if ((values.version === undefined) === (values.timestamp === undefined))
      return usageError(io, usage, "give --version or --timestamp (one of them)");
    const version = values.version === undefined ? undefined : Number(values.version);
    if (version !== undefined && (!Number.isInteger(version) || version < 0))
      return usageError(io, usage, `--version must be a non-negative integer, got ${values.version}`);
    const timestamp = values.timestamp === undefined ? undefined : parseTimestamp(values.timestamp);
    if (values.timestamp !== undefined && timestamp === undefined)
      return usageError(io, usage, `--timestamp: ${JSON.stringify(values.timestamp)} is not ISO 8601 or ms`);
    const json = values.json === true;
    const say = (line: string): void => (json ? io.stderr(`${line}\n`) : io.stdout(`${line}\n`));
    try {
      const dir = await openControlDirectory(values, io);
      const store = await openRoutedLake(controlLake(values.lake, values.data, io), () => dir.view, io);
      const duck = await openDuckDb();
      try {
        const [t] = await maintenanceTables(store, "", values.region, values.table);
        const table = openTable(store, (t as { path: string }).path, duck.connection, {
          scratchDir: join(TABLE_DEFAULTS.scratchDir, `restore-${randomUUID()}`),
        });
        const registry = async () => {
          await dir.view.refresh();
          return dir.view.list();
        };
        const plan = await planRestore(table, { version, timestamp }, await registry());
        for (const line of describePlan(plan)) say(line);
        if (values["dry-run"] === true) {
          if (json) io.stdout(`${toJson(plan)}\n`);
          return EXIT.OK;
        }
        const result = await executeRestore(table, plan, registry, {
          kmsKeyIdFor: kmsKeyIdFor(dir.view),
          onProgress: say,
        });
        if (json) io.stdout(`${toJson(result)}\n`);
        else
          io.stdout(
            `restored ${values.region}/${values.table} to version ${result.toVersion} as version ${result.version}: ` +
              `${result.filesRestored + result.filesWritten} files (${formatBytes(result.bytesRestored + result.bytesWritten)}) restored, ` +
              `${result.filesRemoved} files (${formatBytes(result.bytesRemoved)}) removed` +
              (result.erasedRows > 0
                ? `; ${result.erasedRows} erased rows left out (${result.filesRewritten} files rewritten)`
                : "") +
              "\n",
          );
        return EXIT.OK;
      } finally {
        duck.close();
        await store.close();
        await dir.close();
      }
    } catch (err) {
      io.stderr(`restore failed: ${errorText(err)}\n`);
      return EXIT.FAILED;
    }
  },
};

export default command;
