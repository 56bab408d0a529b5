import { randomUUID } from "node:crypto";
import { setPriority } from "node:os";
import { join } from "node:path";
import { openDuckDb, TABLE_DEFAULTS } from "@facsimile/lake";
import {
  isMaintenanceOperation,
  MAINTENANCE_DEFAULTS,
  MAINTENANCE_OPERATIONS,
  type MaintenanceOperation,
  type MaintenanceOptions,
  runMaintenance,
  runSchedule,
  SCHEDULE_DEFAULTS,
} from "@facsimile/maintenance";
import { type CliCommand, EXIT, parseCommandFlags, usageError } from "../command.js";
import {
  CONTROL_DIRECTORY_OPTIONS,
  CONTROL_DIRECTORY_USAGE,
  controlLake,
  openControlDirectory,
} from "../control-directory.js";
import { openRoutedLake } from "../lake-keys.js";
import { errorText, kmsKeyIdFor, parseDuration, toJson } from "../maintenance-flags.js";
import { stopped } from "../wait-for-stop.js";

const days = (ms: number): string => `${ms / 86_400_000}d`;
const intervals = Object.entries(SCHEDULE_DEFAULTS.intervals)
  .map(([op, ms]) => `${op}=${ms >= 3_600_000 ? `${ms / 3_600_000}h` : `${ms / 60_000}m`}`)
  .join(",");

const usage = `usage: facsimile maintain --region <r> [--table <t>] ${MAINTENANCE_OPERATIONS.join("|")} [--dry-run] [options]
       facsimile maintain --region <r> --schedule [--intervals <op=duration,...>] [options]

Care of a region's tables beside live ingest (no downtime). Each operation prints its plan first (files, bytes,
what and why), then executes it with progress; --dry-run stops after the plan.
  vacuum            delete files no version within the retention references, and orphans of crashed writes
                    (files never committed, older than --orphan-safety so writes in flight keep theirs)
  optimize          fold small files (and deletion vectors) into large ones, committed with dataChange=false; a
                    conflict with a streaming merge is re-planned, never surfaced and never stops ingest
  checkpoint        write a checkpoint of the latest version
  purge-tombstones  drop tombstone rows older than the purge horizon; each purged resource is first guarded by
                    the erasure registry (refused below its tombstone's generation + 1), so no older update returns

  --region <r>             the region whose tables are maintained
  --table <t>              only this table ("sink" is the raw sink); default: every table of the region
  --dry-run                print the plans and change nothing
  --schedule               run every operation on its interval until SIGTERM/SIGINT (stops after the current one)
  --intervals <list>       schedule intervals (default ${intervals}); leave one out to not run it
  --retention <d>          vacuum: keep files versions of this window reference (default ${days(MAINTENANCE_DEFAULTS.retentionMs)}, at most the table's tombstone retention)
  --orphan-safety <d>      vacuum: uncommitted files younger than this are kept (default ${MAINTENANCE_DEFAULTS.orphanSafetyMs / 60_000}m)
  --small-file <bytes>     optimize: files under this size are compacted (default ${MAINTENANCE_DEFAULTS.smallFileBytes})
  --min-files <n>          optimize: a partition needs this many small files to be compacted (default ${MAINTENANCE_DEFAULTS.minFilesToCompact})
  --purge-horizon <d>      purge-tombstones: tombstones older than this go (default ${days(MAINTENANCE_DEFAULTS.purgeHorizonMs)})
  --nice <n>               run at this scheduling niceness, so ingest keeps the CPU it needs (default 10; 0 keeps it)
  --threads <n>            DuckDB threads of the rewrites (default 1: maintenance is background work)
  --lake <url>             lake root: a path, file:///path or s3://bucket/prefix (default $FACSIMILE_LAKE, else <data>/lake)
  --json                   one JSON line per table (plan, result or error)
${CONTROL_DIRECTORY_USAGE}
durations: 500ms, 10s, 30m, 1h, 7d

exit codes: 0 done (or planned), 1 an operation failed on some table (the others ran), 2 usage`;

const OPTIONS = {
  ...CONTROL_DIRECTORY_OPTIONS,
  region: { type: "string" },
  table: { type: "string" },
  "dry-run": { type: "boolean" },
  schedule: { type: "boolean" },
  intervals: { type: "string" },
  retention: { type: "string" },
  "orphan-safety": { type: "string" },
  "small-file": { type: "string" },
  "min-files": { type: "string" },
  "purge-horizon": { type: "string" },
  nice: { type: "string" },
  threads: { type: "string" },
  lake: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean" },
} as const;

const STRING_FLAGS = new Set(
  Object.entries(OPTIONS)
    .filter(([, o]) => o.type === "string")
    .map(([n]) => `--${n}`),
);

/** Takes the operation word out of the arguments (anywhere, but not as a flag's value). */
function splitOperation(args: readonly string[]): { operations: string[]; rest: string[] } {
  const operations: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (!a.startsWith("-") && !STRING_FLAGS.has(args[i - 1] ?? "")) operations.push(a);
    else rest.push(a);
  }
  return { operations, rest };
}

function parseIntervals(text: string): Partial<Record<MaintenanceOperation, number>> | string {
  const out: Partial<Record<MaintenanceOperation, number>> = {};
  for (const part of text.split(",")) {
    const [op, d] = part.split("=");
    const ms = parseDuration(d ?? "");
    if (op === undefined || !isMaintenanceOperation(op) || ms === undefined || ms <= 0)
      return `--intervals: ${JSON.stringify(part)} is not <operation>=<duration> (operations: ${MAINTENANCE_OPERATIONS.join(", ")})`;
    out[op] = ms;
  }
  return out;
}

const command: CliCommand = {
  summary: "table maintenance beside live ingest: vacuum, optimize, checkpoint, purge-tombstones, --schedule",
  usage,
  async run(args, io) {
    const { operations, rest } = splitOperation(args);
    const values = parseCommandFlags(rest, OPTIONS, usage, io);
    if (typeof values === "number") return values;
    if (values.region === undefined) return usageError(io, usage, "--region is required");
    const schedule = values.schedule === true;
    if (schedule !== (operations.length === 0) || operations.length > 1)
      return usageError(io, usage, "give one operation, or --schedule");
    const op = operations[0];
    if (op !== undefined && !isMaintenanceOperation(op))
      return usageError(
        io,
        usage,
        `unknown operation ${JSON.stringify(op)}: one of ${MAINTENANCE_OPERATIONS.join(", ")}`,
      );
    const options: Partial<MaintenanceOptions> = {};
    const durations = [
      ["retention", "retentionMs"],
      ["orphan-safety", "orphanSafetyMs"],
      ["purge-horizon", "purgeHorizonMs"],
    ] as const;
    const mutable = options as Record<string, unknown>;
    for (const [flag, key] of durations) {
      const text = values[flag];
      if (text === undefined) continue;
      const ms = parseDuration(text);
      if (ms === undefined)
        return usageError(io, usage, `--${flag}: ${JSON.stringify(text)} is not a duration`);
      mutable[key] = ms;
    }
    for (const [flag, key] of [
      ["small-file", "smallFileBytes"],
      ["min-files", "minFilesToCompact"],
    ] as const) {
      const text = values[flag];
      if (text === undefined) continue;
      const n = Number(text);
      if (!Number.isInteger(n) || n < 1)
        return usageError(io, usage, `--${flag} must be a positive integer, got ${text}`);
      mutable[key] = n;
    }
    const scheduled =
      values.intervals === undefined ? SCHEDULE_DEFAULTS.intervals : parseIntervals(values.intervals);
    if (typeof scheduled === "string") return usageError(io, usage, scheduled);
    const nice = Number(values.nice ?? 10);
    const threads = Number(values.threads ?? 1);
    if (!Number.isInteger(nice) || nice < 0 || nice > 19)
      return usageError(io, usage, `--nice must be an integer from 0 to 19, got ${values.nice}`);
    if (!Number.isInteger(threads) || threads < 1)
      return usageError(io, usage, `--threads must be a positive integer, got ${values.threads}`);
    // Before DuckDB starts its threads: on Linux they inherit the niceness of the thread that creates them.
    if (nice > 0)
      try {
        setPriority(0, nice);
      } catch {
        // Not permitted here: run at the normal priority.
      }
    const json = values.json === true;
    const say = (line: string): void => (json ? io.stderr(`${line}\n`) : io.stdout(`${line}\n`));
    try {
      const dir = await openControlDirectory(values, io);
      const store = await openRoutedLake(controlLake(values.lake, values.data, io), () => dir.view, io);
      const duck = await openDuckDb({ config: { threads: String(threads) } });
      const scratch = join(TABLE_DEFAULTS.scratchDir, `maintain-${randomUUID()}`);
      try {
        const once = async (operation: MaintenanceOperation): Promise<number> => {
          await dir.view.refresh();
          const reports = await runMaintenance(
            {
              store,
              lakeRoot: "",
              duckdb: duck.connection,
              view: dir.view,
              tableOptions: { scratchDir: scratch },
            },
            operation,
            { region: values.region as string, table: values.table, dryRun: values["dry-run"] === true },
            { ...options, kmsKeyIdFor: kmsKeyIdFor(dir.view), onProgress: say },
          );
          let failed = 0;
          for (const r of reports) {
            if (json) io.stdout(`${toJson(r)}\n`);
            if (r.error !== undefined) {
              failed++;
              io.stderr(`${operation} ${r.region}/${r.table} failed: ${errorText(r.error)}\n`);
            } else if (r.result !== undefined && !json)
              io.stdout(`  done ${r.region}/${r.table}: ${toJson(r.result)}\n`);
          }
          return failed;
        };
        if (op !== undefined) return (await once(op)) > 0 ? EXIT.FAILED : EXIT.OK;
        const stop = new AbortController();
        void stopped(stop.signal).then(() => stop.abort());
        say(
          `maintain --schedule: ${toJson(scheduled)} (ms); SIGTERM or SIGINT stops after the current operation`,
        );
        await runSchedule(
          async (operation) => {
            const failed = await once(operation);
            if (failed > 0) throw new Error(`${failed} tables failed`);
          },
          stop.signal,
          { intervals: scheduled },
          (r) =>
            say(
              `schedule: ${r.operation} ${r.error === undefined ? "done" : `failed (${errorText(r.error)}), next turn retries`} in ${r.finishedAt - r.startedAt} ms`,
            ),
        );
        say("maintain --schedule: stopped");
        return EXIT.OK;
      } finally {
        duck.close();
        await store.close();
        await dir.close();
      }
    } catch (err) {
      io.stderr(`maintain failed: ${errorText(err)}\n`);
      return EXIT.FAILED;
    }
  },
};

export default command;
