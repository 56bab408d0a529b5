import { resolve } from "node:path";
import { DEFAULT_ERASE_OPTIONS, eraseWorkspace } from "@facsimile/control-plane";
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

const usage = `usage: facsimile control erase --workspace <id> [--resource <ari>] [--dry-run] [options]

Erases a workspace (or one resource of it) for good. First the erasure registry (the directory) forbids every
later write of it: late, replayed, duplicated or newer records are dropped by ingest, whatever their version.
Then its rows leave every table and the raw sink (files rewritten without them), older files and log versions
that held them are deleted (time travel cannot return them), and its offloaded payloads are deleted. Ends with a
receipt: what was removed, when, and a verification scan. Safe to run again; a re-run finishes what was left.

  --workspace <id>         the workspace to erase
  --resource <ari>         erase only this resource of the workspace
  --dry-run                print the plan (tables, files, rows, offloaded objects) and change nothing
  --lake <url>             lake root: a path, file:///path or s3://bucket/prefix (default $FACSIMILE_LAKE, else <data>/lake)
  --actor <who>            recorded in the audit trail (default "${DEFAULT_ERASE_OPTIONS.actor}")
  --reason <why>           recorded in the audit trail, e.g. a ticket (default "${DEFAULT_ERASE_OPTIONS.reason}")
  --merge-wait <ms>        wait this long for the region's merge to pass the sink rewrite (default ${DEFAULT_ERASE_OPTIONS.mergeWaitMs});
                           then the command runs that merge itself (a merge-only worker, same time bound)
  --models <dir>           hand-written models of that merge (default: transforms/models)
  --json                   print the plan or receipt as JSON
${CONTROL_DIRECTORY_USAGE}

exit codes: 0 erased and verified (or planned), 1 failed or not yet verified (re-run), 2 usage`;

const OPTIONS = {
  ...CONTROL_DIRECTORY_OPTIONS,
  workspace: { type: "string" },
  resource: { type: "string" },
  "dry-run": { type: "boolean" },
  lake: { type: "string" },
  actor: { type: "string" },
  reason: { type: "string" },
  "merge-wait": { type: "string" },
  models: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean" },
} as const;

const command: CliCommand = {
  summary: "GDPR erasure of a workspace or resource: registry, tables, history, offloads, receipt",
  usage,
  async run(args, io) {
    const values = parseCommandFlags(args, OPTIONS, usage, io);
    if (typeof values === "number") return values;
    const workspaceId = values.workspace;
    if (workspaceId === undefined) return usageError(io, usage, "--workspace is required");
    const mergeWaitMs = nonNegativeIntegerFlag(
      "merge-wait",
      values["merge-wait"],
      DEFAULT_ERASE_OPTIONS.mergeWaitMs,
    );
    if (typeof mergeWaitMs === "string") return usageError(io, usage, mergeWaitMs);
    try {
      const dir = await openControlDirectory(values, io);
      const store = await openRoutedLake(controlLake(values.lake, values.data, io), () => dir.view, io);
      const duck = await openDuckDb();
      try {
        const registry = loadDefaultRegistry();
        const { models } = await compileModels(registry, {
          modelsDir: values.models === undefined ? DEFAULT_MODELS_DIR : resolve(io.cwd, values.models),
        });
        const onProgress = (m: string): void => io.stderr(`${m}\n`);
        const result = await eraseWorkspace(
          {
            view: dir.view,
            store,
            duckdb: duck.connection,
            onProgress,
            runMerge: regionMerge({
              transport: dir.transport,
              dataDir: dir.dataDir,
              store,
              registry,
              models,
              view: dir.view,
              timeoutMs: Math.max(mergeWaitMs, 60_000),
              onProgress,
            }),
          },
          { workspaceId, resourceAri: values.resource },
          {
            dryRun: values["dry-run"] === true,
            mergeWaitMs,
            ...(values.actor === undefined ? {} : { actor: values.actor }),
            ...(values.reason === undefined ? {} : { reason: values.reason }),
          },
        );
        if (result.kind === "plan") {
          const p = result.plan;
          if (values.json === true) {
            io.stdout(
              `${JSON.stringify({ ...p, tables: p.tables.map((t) => ({ ...t, files: t.files.map(({ add: _, ...f }) => f) })) }, (_, v) => (typeof v === "bigint" ? String(v) : v))}\n`,
            );
            return EXIT.OK;
          }
          io.stdout(`plan: erase ${values.resource ?? workspaceId} (dry run: nothing changed)\n`);
          for (const t of p.tables) {
            if (t.files.length === 0) continue;
            const rewrite = t.files.filter((f) => f.action === "rewrite").length;
            io.stdout(
              `  ${t.region}/${t.name}: ${t.files.reduce((n, f) => n + f.matching, 0)} rows in ${t.files.length} files ` +
                `(${t.files.length - rewrite} removed, ${rewrite} rewritten) at version ${t.version}\n`,
            );
          }
          for (const o of p.offloads)
            if (o.keys.length > 0)
              io.stdout(`  offloads ${o.store}: ${o.keys.length} objects, ${o.bytes} bytes\n`);
          io.stdout(
            `  total: ${p.rows} rows in ${p.files} files; then the older files and log versions that held them\n`,
          );
          return EXIT.OK;
        }
        const r = result.receipt;
        if (values.json === true) io.stdout(`${JSON.stringify(r)}\n`);
        else
          io.stdout(
            `receipt: erased ${values.resource ?? workspaceId} from ${r.startedAt} to ${r.finishedAt}; ` +
              `${r.rowsRemoved} rows, ${r.objectsDeleted} objects (${r.bytesDeleted} bytes) deleted, ` +
              `${r.offloadObjectsDeleted} offloaded payloads; deletion generation ${r.deletionGeneration}; ` +
              `verification: ${r.verification.clean ? "clean" : `NOT clean ${JSON.stringify(r.verification)}: run again`}\n`,
          );
        return r.verification.clean ? EXIT.OK : EXIT.FAILED;
      } finally {
        duck.close();
        await store.close();
        await dir.close();
      }
    } catch (err) {
      io.stderr(
        `control erase failed: ${isFacsimileError(err) ? `${err.code}: ${err.message}` : String(err)}\n`,
      );
      return EXIT.FAILED;
    }
  },
};

export default command;
