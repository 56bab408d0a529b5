// `facsimile control migrate --workspace W --to <region[,region]>`: a residency migration job (plan, copy, switch,
// verify, delete), resumable (--resume <job>) and reversible before delete (--rollback <job>). The work is the
// control plane's; this wires the directory, the lake and the transform models' writers.
import { resolve } from "node:path";
import {
  createJobStore,
  DEFAULT_MIGRATE_OPTIONS,
  type MigrateDeps,
  type MigrationJob,
  planWorkspaceMigration,
  rollbackMigration,
  runMigration,
  startMigration,
} from "@facsimile/control-plane";
import { isFacsimileError } from "@facsimile/core";
import { openDuckDb } from "@facsimile/lake";
import { loadDefaultRegistry } from "@facsimile/schemas";
import { compileModels, DEFAULT_MODELS_DIR } from "@facsimile/transforms";
import {
  type CliCommand,
  EXIT,
  nonNegativeIntegerFlag,
  parseCommandFlags,
  usageError,
} from "../../command.js";
import {
  CONTROL_DIRECTORY_OPTIONS,
  CONTROL_DIRECTORY_USAGE,
  controlLake,
  openControlDirectory,
} from "../../control-directory.js";
import { openRoutedLake } from "../../lake-keys.js";
import { regionMerge } from "../../run-region-merge.js";

const usage = `usage: facsimile control migrate --workspace <id> --to <region[,region...]> [--dry-run] [options]
       facsimile control migrate --resume <job> | --rollback <job> [options]

Moves a workspace's data between regions under live traffic, as a job of idempotent steps recorded in the lake
(control/jobs/): copy (its rows into the regions it gains, through the tables' writers), switch (the directory
names the new regions: producers publish there, records still in the old topic are re-routed), verify (every
source row is in the new region or superseded there), delete (its data leaves the regions it no longer has).
A region both sides share is left alone. Before delete, --rollback re-onlines it where it was and removes what
the copy added. Ingest workers of the regions involved must be running with --control.

  --workspace <id>         the workspace to move
  --to <regions>           the new region set, home first (e.g. "eu" or "us-east-1,eu-west-1")
  --dry-run                print the plan and change nothing
  --resume <job>           run a job again from its last completed step
  --rollback <job>         roll a job back (any step before delete)
  --lake <url>             lake root: a path, file:///path or s3://bucket/prefix (default $FACSIMILE_LAKE, else <data>/lake)
  --models <dir>           hand-written models (default: transforms/models): their writers copy the rows
  --settle <ms>            wait after a directory change for workers to follow (default ${DEFAULT_MIGRATE_OPTIONS.settleMs})
  --merge-wait <ms>        longest wait for a region's merge to catch up (default ${DEFAULT_MIGRATE_OPTIONS.mergeWaitMs})
  --actor <who>, --reason <why>   recorded in the audit trail
${CONTROL_DIRECTORY_USAGE}

exit codes: 0 done (or planned, rolled back), 1 failed (the job can be resumed or rolled back), 2 usage`;

const OPTIONS = {
  ...CONTROL_DIRECTORY_OPTIONS,
  workspace: { type: "string" },
  to: { type: "string" },
  "dry-run": { type: "boolean" },
  resume: { type: "string" },
  rollback: { type: "string" },
  lake: { type: "string" },
  models: { type: "string" },
  settle: { type: "string" },
  "merge-wait": { type: "string" },
  actor: { type: "string" },
  reason: { type: "string" },
  help: { type: "boolean" },
} as const;

function ms(name: string, value: string | undefined, fallback: number): number {
  const n = nonNegativeIntegerFlag(name, value, fallback);
  if (typeof n === "string") throw new UsageError(n);
  return n;
}

class UsageError extends Error {}

export function progressLine(job: MigrationJob, tty: boolean): string {
  if (!tty) return `${job.id}: ${job.progress}\n`;
  const width = 20;
  const filled = Math.round((Math.max(0, job.done) / job.total) * width);
  return `\r${job.id} [${"#".repeat(filled)}${" ".repeat(width - filled)}] ${job.done}/${job.total} ${job.progress}`.padEnd(
    100,
  );
}

const command: CliCommand = {
  summary: "move a workspace between regions: plan, copy, switch, verify, delete (resumable, reversible)",
  usage,
  async run(args, io) {
    const values = parseCommandFlags(args, OPTIONS, usage, io);
    if (typeof values === "number") return values;
    let options: { settleMs: number; mergeWaitMs: number; actor?: string; reason?: string };
    try {
      const modes = [
        values.workspace !== undefined,
        values.resume !== undefined,
        values.rollback !== undefined,
      ];
      if (modes.filter(Boolean).length !== 1)
        throw new UsageError("give --workspace (with --to), --resume or --rollback");
      if (values.workspace !== undefined && values.to === undefined) throw new UsageError("--to is required");
      options = {
        settleMs: ms("settle", values.settle, DEFAULT_MIGRATE_OPTIONS.settleMs),
        mergeWaitMs: ms("merge-wait", values["merge-wait"], DEFAULT_MIGRATE_OPTIONS.mergeWaitMs),
        ...(values.actor === undefined ? {} : { actor: values.actor }),
        ...(values.reason === undefined ? {} : { reason: values.reason }),
      };
    } catch (err) {
      return usageError(io, usage, (err as Error).message);
    }
    try {
      const dir = await openControlDirectory(values, io);
      const store = await openRoutedLake(controlLake(values.lake, values.data, io), () => dir.view, io);
      const duck = await openDuckDb();
      try {
        const to = (values.to ?? "")
          .split(",")
          .map((r) => r.trim())
          .filter((r) => r !== "");
        if (values["dry-run"] === true && values.workspace !== undefined) {
          const plan = await planWorkspaceMigration(dir.view, values.workspace, to);
          io.stdout(
            `plan: move ${plan.workspaceId} from ${plan.from.join(",")} to ${plan.to.join(",")} (dry run: nothing changed)\n` +
              `  copy from ${plan.source} to: ${plan.add.join(", ") || "(nothing: no region gained)"}\n` +
              `  switch: producers publish to ${plan.to[0]}; records in flight are re-routed on consume\n` +
              `  verify: every row of ${plan.workspaceId} in ${plan.source} is in ${plan.add.join(", ") || "(no region)"}\n` +
              `  delete from: ${plan.remove.join(", ") || "(nothing: no region left)"}\n` +
              `  untouched: ${plan.keep.join(", ") || "(none)"}\n`,
          );
          return EXIT.OK;
        }
        const registry = loadDefaultRegistry();
        const { models } = await compileModels(registry, {
          modelsDir: values.models === undefined ? DEFAULT_MODELS_DIR : resolve(io.cwd, values.models),
        });
        const tty = process.stderr.isTTY === true;
        const deps: MigrateDeps = {
          store,
          lakeRoot: "",
          duckdb: duck.connection,
          writers: models.map((m) => ({ table: m.table, writer: m.writer })),
          view: dir.view,
          jobs: createJobStore(store),
          onProgress: (job) => io.stderr(progressLine(job, tty)),
          runMerge: regionMerge({
            transport: dir.transport,
            dataDir: dir.dataDir,
            store,
            registry,
            models,
            view: dir.view,
            timeoutMs: Math.max(options.mergeWaitMs ?? 0, 60_000),
            onProgress: (m) => io.stderr(`${m}\n`),
          }),
        };
        const job =
          values.rollback !== undefined
            ? await rollbackMigration(deps, values.rollback, options)
            : values.resume !== undefined
              ? await runMigration(deps, values.resume, options)
              : await startMigration(deps, values.workspace ?? "", to, options);
        if (tty) io.stderr("\n");
        io.stdout(
          `${job.id}: ${job.step} (${job.plan.workspaceId} ${job.plan.from.join(",")} -> ${job.plan.to.join(",")})\n`,
        );
        return EXIT.OK;
      } finally {
        duck.close();
        await store.close();
        await dir.close();
      }
    } catch (err) {
      io.stderr(
        `\ncontrol migrate failed: ${isFacsimileError(err) ? `${err.code}: ${err.message}` : String(err)}\n`,
      );
      return EXIT.FAILED;
    }
  },
};

export default command;
