// `facsimile status --region R [--json]`: per region its workers, lag, merge freshness p50/p99 and dead letters,
// read from the workers' metrics: the URLs given with --metrics, or those the region's `facsimile autoscale`
// supervisor lists in its state file.
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  formatRegionStatus,
  type RegionStatus,
  regionStatus,
  type SupervisorState,
  scrapeWorker,
  type WorkerMetrics,
} from "@facsimile/autoscale";
import { type CliCommand, EXIT, usageError } from "../command.js";

const usage = `usage: facsimile status --region <region> [--region <region> ...] [--metrics <url,...>] [--state-dir <dir>] [--json]

Per region: the ingest workers (partitions owned, lag, records in per second, busy share), the total lag, merge
freshness p50 and p99 (commit time minus record time, over every worker's histogram), dead letters, records in
and merged. The workers are the --metrics URLs (one region only) or those listed by the region's
\`facsimile autoscale\` supervisor in <state-dir>/<region>.json (default ./.facsimile/autoscale).

  --json   one JSON object: {"regions": [...]}

exit codes: 0 every region read, 1 a region has no reachable worker, 2 usage error`;

const command: CliCommand = {
  summary: "per region: workers, lag, freshness p50/p99, dead letters (from the workers' metrics)",
  usage,
  async run(args, io) {
    let values: { region?: string[]; metrics?: string; "state-dir"?: string; json?: boolean };
    try {
      ({ values } = parseArgs({
        args: [...args],
        options: {
          region: { type: "string", multiple: true },
          metrics: { type: "string" },
          "state-dir": { type: "string" },
          json: { type: "boolean" },
        },
        strict: true,
      }));
    } catch (err) {
      return usageError(io, usage, (err as Error).message);
    }
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
    if (values.json === true) io.stdout(`${JSON.stringify({ regions: out, problems })}\n`);
    else {
      for (const s of out) io.stdout(`${formatRegionStatus(s)}\n`);
      for (const p of problems) io.stderr(`${p}\n`);
    }
    return problems.length === 0 ? EXIT.OK : EXIT.FAILED;
  },
};

export default command;
