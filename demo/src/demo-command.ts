// `facsimile demo` (`npm run demo`): the whole pipeline in one command, on the embedded bus and a local lake by
// default (no servers), or on Kafka and S3. Parses the flags into DemoSettings; the work is ./run-demo.ts,
// the text ./format-demo-summary.ts. The CLI's commands/demo.ts only hands this command to the dispatcher. Progress goes to stderr, the summary (or --json) to stdout.

import { parseArgs } from "node:util";
import { type LogContext, type Logger, silentLogger } from "@facsimile/bus";
import { dataHome, isFacsimileError, isIntegerInRange } from "@facsimile/core";
import { REGION_PATTERN as LAKE_REGION_PATTERN } from "@facsimile/lake";
import { assertRegion } from "@facsimile/protocol";
import { DemoProgress } from "./demo-progress.js";
import { formatDemoSummary } from "./format-demo-summary.js";
import { DemoSetupError } from "./open-demo-backends.js";
import { DEFAULT_PUBLISH_OPTIONS } from "./publish-deliveries.js";
import { DEFAULT_DEMO_SETTINGS, type DemoSettings, runDemo } from "./run-demo.js";

const D = DEFAULT_DEMO_SETTINGS;

const usage = `usage: facsimile demo [options]        (from a clone: npm run demo -- [options])

Runs the whole pipeline: compiles the schemas, creates each region's topics, generates a Jira-like workload
(workspaces spread over the regions; projects, issues and Confluence pages created, updated, resolved,
deleted, restored; exported pages big enough to be offloaded), publishes it through the producer SDK shuffled
and with duplicates while one ingest worker per region lands it in the lake, then prints throughput,
freshness, the tables checked against the last-writer-wins oracle, the seed's analyst query for one
workspace, and the \`facsimile query\` commands to explore further. The same workload under any delivery seed
gives the same tables. Running again with the same workload delivers it again on top; another workload
replaces the previous run.

  --size <n>             scales the workload linearly (default ${D.size}: 30 workspaces, about 3,500 records)
  --workload-seed <n>    seed of the workload: workspaces, resources, their changes (default ${D.workloadSeed})
  --delivery-seed <n>    seed of the delivery: order and duplicates (default ${D.deliverySeed})
  --regions <list>       comma-separated regions (default ${D.regions.join(",")})
  --data <dir>           data folder: embedded bus, local lake, scratch files (default $FACSIMILE_HOME, else
                         ./.facsimile; its lake/ is where \`facsimile query\` looks by default)
  --fresh                wipe the demo's bus, lake and scratch files (or topics and bucket objects) first
  --kafka <brokers>      comma-separated Kafka brokers instead of the embedded bus
  --s3 <endpoint>        keep the lake in an S3 bucket at this endpoint, e.g. http://127.0.0.1:19000
                         (credentials: S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY from the environment)
  --bucket <name>        the bucket with --s3, created when missing (default ${D.bucket})
  --prefix <prefix>      the lake's key prefix in the bucket (default: the bucket's root)
  --partitions <n>       partitions of each region's records topic (default ${D.partitions})
  --schemas-dir <dir>    the schemas folder to compile (default: the nearest schemas/)
  --json                 print the result as JSON instead of the summary

exit codes: 0 done and the tables equal the oracle, 1 failed or the tables differ, 2 usage error`;

const OPTIONS = {
  size: { type: "string" },
  "workload-seed": { type: "string" },
  "delivery-seed": { type: "string" },
  regions: { type: "string" },
  data: { type: "string" },
  fresh: { type: "boolean" },
  kafka: { type: "string" },
  s3: { type: "string" },
  bucket: { type: "string" },
  prefix: { type: "string" },
  partitions: { type: "string" },
  "schemas-dir": { type: "string" },
  json: { type: "boolean" },
} as const;

/** The CLI's I/O (its CliIo), plus whether stderr is a terminal (default: the process's); tests pass false. */
export interface DemoCliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stderrIsTTY?: boolean;
}

/** The CLI's exit codes: 0 done, 1 failed (or the tables differ), 2 usage error. */
const EXIT = Object.freeze({ OK: 0, FAILED: 1, USAGE: 2 });

class UsageError extends Error {}

function seed(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 0xffffffff)
    throw new UsageError(`--${name} must be an integer from 0 to 4294967295, got ${value}`);
  return n;
}

function settingsOf(
  values: Record<string, string | boolean | undefined>,
  cwd: string,
  env: DemoCliIo["env"],
): DemoSettings {
  const str = (k: string) => values[k] as string | undefined;
  const size = str("size") === undefined ? D.size : Number(str("size"));
  if (!Number.isFinite(size) || size <= 0 || size > 1000)
    throw new UsageError(`--size must be a number above 0 (and at most 1000), got ${str("size")}`);
  const regions = (str("regions") ?? D.regions.join(","))
    .split(",")
    .map((r) => r.trim())
    .filter((r) => r !== "");
  for (const r of regions) {
    const bad = `--regions: ${JSON.stringify(r)} is not a region name (a lowercase letter, then letters, digits, dashes)`;
    if (!LAKE_REGION_PATTERN.test(r)) throw new UsageError(bad);
    try {
      assertRegion(r);
    } catch {
      throw new UsageError(bad);
    }
  }
  if (regions.length === 0 || new Set(regions).size !== regions.length)
    throw new UsageError("--regions needs one or more distinct regions, e.g. us,eu,apac");
  const partitions = str("partitions") === undefined ? D.partitions : Number(str("partitions"));
  if (!isIntegerInRange(partitions, { min: 1, max: 1000 }))
    throw new UsageError(`--partitions must be an integer from 1 to 1000, got ${str("partitions")}`);
  if (str("kafka") === "") throw new UsageError("--kafka needs brokers, e.g. 127.0.0.1:19092");
  if (str("s3") !== undefined && !/^https?:\/\/\S+$/.test(str("s3") ?? ""))
    throw new UsageError(`--s3 needs an endpoint URL such as http://127.0.0.1:19000, got ${str("s3")}`);
  if ((str("bucket") !== undefined || str("prefix") !== undefined) && str("s3") === undefined)
    throw new UsageError("--bucket and --prefix go with --s3 <endpoint>");
  return {
    size,
    workloadSeed: seed("workload-seed", str("workload-seed"), D.workloadSeed),
    deliverySeed: seed("delivery-seed", str("delivery-seed"), D.deliverySeed),
    regions,
    dataDir: dataHome(env, cwd, str("data")),
    fresh: values.fresh === true,
    kafka: str("kafka"),
    s3: str("s3"),
    bucket: str("bucket") ?? D.bucket,
    prefix: str("prefix") ?? D.prefix,
    partitions,
    schemasDir: str("schemas-dir"),
  };
}

/** Worker warnings and errors as lines above the progress bar; the rest is silent. */
function progressLogger(progress: DemoProgress): Logger {
  const line = (level: string) => (message: string, context?: LogContext) =>
    progress.step(
      `${level}: ${message}${context === undefined ? "" : ` ${JSON.stringify(context, bigintText)}`}`,
    );
  return { ...silentLogger, warn: line("warn"), error: line("error") };
}

function bigintText(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

/** `facsimile demo`: a CliCommand (summary, usage, run) for the CLI's dispatcher. */
export const demoCommand = {
  summary: "run the whole pipeline on a generated Jira workload (embedded, no servers) and query it",
  usage,
  async run(args: readonly string[], io: DemoCliIo): Promise<number> {
    let settings: DemoSettings;
    let json: boolean;
    try {
      const { values, positionals } = parseArgs({
        args: [...args],
        options: OPTIONS,
        allowPositionals: true,
      });
      if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
      settings = settingsOf(values, io.cwd, io.env);
      json = values.json === true;
    } catch (err) {
      io.stderr(`${(err as Error).message}\n\n${usage}\n`);
      return EXIT.USAGE;
    }
    const progress = new DemoProgress(io.stderr, io.stderrIsTTY ?? process.stderr.isTTY === true);
    try {
      const result = await runDemo(settings, {
        cwd: io.cwd,
        env: io.env,
        progress,
        logger: progressLogger(progress),
      });
      io.stdout(
        json
          ? `${JSON.stringify(result, bigintText, 2)}\n`
          : formatDemoSummary(result, DEFAULT_PUBLISH_OPTIONS.offloadThresholdBytes),
      );
      return result.verification.differences.length === 0 ? EXIT.OK : EXIT.FAILED;
    } catch (err) {
      progress.stop();
      if (err instanceof DemoSetupError) io.stderr(`facsimile demo: ${err.message}\n`);
      else if (isFacsimileError(err)) io.stderr(`facsimile demo failed: ${err.code}: ${err.message}\n`);
      else
        io.stderr(
          `facsimile demo failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
        );
      return EXIT.FAILED;
    }
  },
};
