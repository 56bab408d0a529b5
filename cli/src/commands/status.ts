// `facsimile status --region R [--json]`: per region its workers, lag, merge freshness p50/p99 and dead letters,
// read from the workers' metrics: the URLs given with --metrics, or those the region's `facsimile autoscale`
// supervisor lists in its state file; and the directory's jobs in flight there (migrations from the lake's job
// store, erasures from the directory), see ../region-jobs.ts.
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import {
  formatRegionStatus,
  type RegionStatus,
  regionStatus,
  type SupervisorState,
  scrapeWorker,
  type WorkerMetrics,
} from "@facsimile/autoscale";
import { createJobStore, type DirectoryEntry, type MigrationJob } from "@facsimile/control-plane";
import { openObjectStore } from "@facsimile/object-store";
import { type CliCommand, EXIT, parseCommandFlags, usageError } from "../command.js";
import {
  CONTROL_DIRECTORY_OPTIONS,
  CONTROL_DIRECTORY_USAGE,
  controlLake,
  openControlDirectory,
} from "../control-directory.js";
import { formatRegionJobs, type RegionJob, regionJobs } from "../region-jobs.js";

const usage = `usage: facsimile status --region <region> [--region <region> ...] [--metrics <url,...>] [--state-dir <dir>] [--json]

Per region: the ingest workers (partitions owned, lag, records in per second, busy share), the total lag, merge
freshness p50 and p99 (commit time minus record time, over every worker's histogram), dead letters, records in
and merged. The workers are the --metrics URLs (one region only) or those listed by the region's
\`facsimile autoscale\` supervisor in <state-dir>/<region>.json (default ./.facsimile/autoscale). Then the
directory's jobs in flight in the region: migrations from the lake's job store (--lake, else <data>/lake), erasures
(workspaces ERASING) from the directory; --no-jobs leaves them out.

  --json                   one JSON object: {"regions": [...], "jobs": {"<region>": [...]}, "problems": [...]}
  --lake <url>             lake root of the job store (default $FACSIMILE_LAKE, else <data>/lake)
  --no-jobs                do not read jobs (no lake, no directory)
${CONTROL_DIRECTORY_USAGE}

exit codes: 0 every region read, 1 a region has no reachable worker, 2 usage error`;

const OPTIONS = {
  ...CONTROL_DIRECTORY_OPTIONS,
  region: { type: "string", multiple: true },
  metrics: { type: "string" },
  "state-dir": { type: "string" },
  lake: { type: "string" },
  "no-jobs": { type: "boolean" },
  json: { type: "boolean" },
  help: { type: "boolean" },
} as const;

const command: CliCommand = {
  summary: "per region: workers, lag, freshness p50/p99, dead letters, jobs in flight",
  usage,
  async run(args, io) {
    const values = parseCommandFlags(args, OPTIONS, usage, io);
    if (typeof values === "number") return values;
    const regions = values.region ?? [];
    if (regions.length === 0) return usageError(io, usage, "--region is required");
    if (values.metrics !== undefined && regions.length > 1)
      return usageError(io, usage, "--metrics lists one region's workers: give one --region with it");
    const stateDir = resolve(io.cwd, values["state-dir"] ?? join(".facsimile", "autoscale"));
    const out: RegionStatus[] = [];
    const problems: string[] = [];
    for (const region of regions) {
      let urls: { id: string; url: string }[];
      if (values.metrics !== undefined)
        urls = values.metrics
          .split(",")
          .map((u) => u.trim())
          .filter((u) => u !== "")
          .map((url, i) => ({ id: `w${i}`, url }));
      else {
        const file = join(stateDir, `${region}.json`);
        let state: SupervisorState;
        try {
          state = JSON.parse(await readFile(file, "utf8")) as SupervisorState;
        } catch (err) {
          problems.push(
            `${region}: no supervisor state at ${file} (${(err as Error).message}); give --metrics`,
          );
          continue;
        }
        urls = state.workers.flatMap((w) =>
          w.metricsUrl === undefined ? [] : [{ id: w.id, url: w.metricsUrl }],
        );
      }
      const scraped = await Promise.all(urls.map((u) => scrapeWorker(u.id, u.url).catch(() => undefined)));
      const ok = scraped.filter((w): w is WorkerMetrics => w !== undefined);
      const unreachable = urls.filter((_, i) => scraped[i] === undefined).map((u) => u.id);
      if (ok.length === 0) problems.push(`${region}: no reachable worker`);
      out.push(regionStatus(region, ok, unreachable));
    }
    const jobs = new Map<string, RegionJob[]>();
    const notes: string[] = [];
    if (values["no-jobs"] !== true) {
      const { migrations, entries } = await readJobs(values, io, notes);
      for (const region of regions) jobs.set(region, regionJobs(region, migrations, entries));
    }
    if (values.json === true)
      io.stdout(
        `${JSON.stringify({ regions: out, jobs: Object.fromEntries(jobs), problems: [...problems, ...notes] })}\n`,
      );
    else {
      for (const s of out) {
        io.stdout(`${formatRegionStatus(s)}\n`);
        const j = jobs.get(s.region);
        if (j !== undefined) io.stdout(`${formatRegionJobs(j).join("\n")}\n`);
      }
      for (const p of [...problems, ...notes]) io.stderr(`${p}\n`);
    }
    return problems.length === 0 ? EXIT.OK : EXIT.FAILED;
  },
};

/** The lake's migration jobs and the directory's entries; what cannot be read is a note, not a failure. */
async function readJobs(
  values: Parameters<typeof openControlDirectory>[0] & { lake?: string | undefined },
  io: Parameters<CliCommand["run"]>[1],
  notes: string[],
): Promise<{ migrations: MigrationJob[]; entries: DirectoryEntry[] }> {
  let migrations: MigrationJob[] = [];
  let entries: DirectoryEntry[] = [];
  try {
    const store = await openObjectStore(controlLake(values.lake, values.data, io), { env: io.env });
    try {
      migrations = await createJobStore(store).list();
    } finally {
      await store.close();
    }
  } catch (err) {
    notes.push(`jobs: cannot read the lake's job store (${(err as Error).message})`);
  }
  try {
    const dir = await openControlDirectory(values, io);
    try {
      entries = dir.view.list();
    } finally {
      await dir.close();
    }
  } catch (err) {
    notes.push(`jobs: cannot read the directory (${(err as Error).message})`);
  }
  return { migrations, entries };
}

export default command;
