// `facsimile autoscale --region R`: sizes a region's ingest workers from their metrics (the controller of
// @facsimile/autoscale). Locally it supervises `facsimile ingest` processes itself (starts them, stops the newest
// with SIGTERM and waits); with --serve-keda PORT it only serves the desired count for KEDA's metrics-api
// scaler, scraping the workers given with --metrics. Runs until SIGTERM/SIGINT, which stops the workers gracefully.
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type AutoscaleOptions,
  autoscaleOptions,
  createSupervisor,
  type DesiredCount,
  planScale,
  type ScaleState,
  scrapeWorker,
  serveDesiredCount,
  type WorkerMetrics,
} from "@facsimile/autoscale";
import { createKafkaTransport, createLocalTransport, recordsTopic, silentLogger } from "@facsimile/bus";
import { isFacsimileError, isIntegerInRange } from "@facsimile/core";
import { type CliCommand, EXIT, parseCommandFlags, usageError } from "../command.js";

const usage = `usage: facsimile autoscale --region <region> [--kafka <brokers> | --local <dir>] [--lake <url>] [options] [-- <ingest options>]

Reads each ingest worker's metrics (lag per partition, records in/out per second, busy ratio) and sizes the
region's workers: true per-worker rate = consumed / busy share, demand = arrival + backlog above the set point
over the catch-up time, a no-action band, cool-downs, at most one worker per partition, no scale-down while a
worker is saturated.

Local supervisor (default): starts \`facsimile ingest --region <region>\` workers with the same bus and lake (and the
ingest options after --), each with --metrics-port 0, and stops the newest gracefully (SIGTERM, wait). Its state
goes to <state-dir>/<region>.json for \`facsimile status\`.

  --region <region>            the region
  --kafka <brokers>            Kafka brokers (default: $KAFKA_BROKERS)
  --local <dir>                the embedded bus in <dir>
  --lake <url>                 the workers' lake (passed to facsimile ingest)
  --partitions <n>             the records topic's partitions (default: read from the bus)
  --min-workers <n>            default 1
  --max-workers <n>            default: the partition count
  --set-point <records>        lag to stay under (default 10000)
  --catch-up-ms <ms>           work off the backlog within this long (default 60000)
  --scale-up-cooldown-ms <ms>  default 15000
  --scale-down-cooldown-ms <ms> default 120000
  --interval-ms <ms>           between decisions (default 5000)
  --stop-timeout <ms>          SIGKILL a stopping worker after this long (default 30000)
  --state-dir <dir>            default ./.facsimile/autoscale

On Kubernetes: --serve-keda <port> serves GET /desired as {"desiredWorkers": n, ...} for KEDA's metrics-api
scaler (valueLocation desiredWorkers, targetValue 1; see deploy/keda-scaledobject.yaml) and starts no process.
  --serve-keda <port>          serve the desired count instead of supervising
  --metrics <url,...>          the workers' /metrics URLs to read (with --serve-keda)

exit codes: 0 stopped cleanly, 1 failed, 2 usage or configuration error`;

const OPTIONS = {
  region: { type: "string" },
  kafka: { type: "string" },
  local: { type: "string" },
  lake: { type: "string" },
  partitions: { type: "string" },
  "min-workers": { type: "string" },
  "max-workers": { type: "string" },
  "set-point": { type: "string" },
  "catch-up-ms": { type: "string" },
  "scale-up-cooldown-ms": { type: "string" },
  "scale-down-cooldown-ms": { type: "string" },
  "interval-ms": { type: "string", default: "5000" },
  "stop-timeout": { type: "string", default: "30000" },
  "state-dir": { type: "string" },
  "serve-keda": { type: "string" },
  metrics: { type: "string" },
  help: { type: "boolean" },
} as const;

class UsageError extends Error {}

function integer(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!isIntegerInRange(n, { min }))
    throw new UsageError(`--${name} must be an integer >= ${min}, got ${value}`);
  return n;
}

const CLI_MAIN = fileURLToPath(new URL("../main.js", import.meta.url));

const command: CliCommand = {
  summary: "size a region's ingest workers from their lag: supervise them locally or serve KEDA the count",
  usage,
  async run(args, io) {
    const dash = args.indexOf("--");
    const own = dash === -1 ? args : args.slice(0, dash);
    const passthrough = dash === -1 ? [] : args.slice(dash + 1);
    const values = parseCommandFlags(own, OPTIONS, usage, io);
    if (typeof values === "number") return values;
    let stop: (() => Promise<void>) | undefined;
    let stopRequested = false;
    const onSignal = (signal: string): void => {
      io.stderr(`${signal}: stopping the workers\n`);
      stopRequested = true;
      void stop?.();
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
    try {
      const region = values.region;
      if (region === undefined) throw new UsageError("--region is required");
      if (values.local !== undefined && values.kafka !== undefined)
        throw new UsageError("give --kafka or --local, not both");
      const controller: Partial<Record<keyof AutoscaleOptions, number>> = {};
      const flags = [
        ["minWorkers", "min-workers", 0],
        ["maxWorkers", "max-workers", 1],
        ["lagSetPoint", "set-point", 0],
        ["catchUpMs", "catch-up-ms", 1],
        ["scaleUpCooldownMs", "scale-up-cooldown-ms", 0],
        ["scaleDownCooldownMs", "scale-down-cooldown-ms", 0],
      ] as const;
      for (const [key, flag, min] of flags) {
        const v = integer(flag, values[flag], min);
        if (v !== undefined) controller[key] = v;
      }
      const o = autoscaleOptions(controller);
      const intervalMs = integer("interval-ms", values["interval-ms"], 100) ?? 5_000;
      const stopTimeoutMs = integer("stop-timeout", values["stop-timeout"], 0) ?? 30_000;
      let partitions = integer("partitions", values.partitions, 1);
      const brokers = values.kafka ?? io.env.KAFKA_BROKERS;

      if (values["serve-keda"] !== undefined) {
        const port = integer("serve-keda", values["serve-keda"], 0) as number;
        const urls = (values.metrics ?? "")
          .split(",")
          .map((u) => u.trim())
          .filter((u) => u !== "");
        if (urls.length === 0) throw new UsageError("--serve-keda needs the workers' --metrics <url,...>");
        if (partitions === undefined) throw new UsageError("--serve-keda needs --partitions <n>");
        let state: ScaleState = {};
        let last: DesiredCount | undefined;
        const server = await serveDesiredCount(() => last, port);
        io.stdout(`autoscale ${region}: serving the desired count on ${server.url}\n`);
        let timer: NodeJS.Timeout | undefined;
        const done = new Promise<void>((r) => {
          stop = async () => {
            clearTimeout(timer);
            await server.close();
            r();
          };
        });
        const tick = async (): Promise<void> => {
          const scraped = await Promise.all(
            urls.map((u, i) => scrapeWorker(`w${i}`, u).catch(() => undefined)),
          );
          const workers = scraped.filter((w): w is WorkerMetrics => w !== undefined);
          const plan = planScale(
            { now: Date.now(), current: workers.length, partitions: partitions as number, workers },
            state,
            o,
          );
          state = plan.state;
          last = {
            region,
            desiredWorkers: plan.desired,
            currentWorkers: workers.length,
            lag: plan.estimate.lag,
            reason: plan.reason,
          };
          if (!stopRequested) timer = setTimeout(() => void tick(), intervalMs);
        };
        if (stopRequested) await stop?.();
        else await tick();
        await done;
        return EXIT.OK;
      }

      if (values.local === undefined && (brokers === undefined || brokers === ""))
        throw new UsageError("no bus: give --kafka <brokers> (or set KAFKA_BROKERS) or --local <dir>");
      const bus =
        values.local !== undefined
          ? ["--local", resolve(io.cwd, values.local)]
          : ["--kafka", brokers as string];
      if (partitions === undefined) {
        const transport =
          values.local !== undefined
            ? createLocalTransport({ directory: resolve(io.cwd, values.local) })
            : createKafkaTransport({
                brokers: (brokers as string).split(","),
                clientId: `facsimile-autoscale-${region}`,
                logger: silentLogger,
              });
        try {
          partitions = await transport.partitionCount(recordsTopic(region));
        } finally {
          await transport.close();
        }
        if (partitions === undefined)
          throw new UsageError(`${recordsTopic(region)} does not exist: create it first`);
      }
      const stateDir = resolve(io.cwd, values["state-dir"] ?? join(".facsimile", "autoscale"));
      const supervisor = createSupervisor(
        {
          region,
          partitions,
          workerCommand: [
            process.execPath,
            CLI_MAIN,
            "ingest",
            "--region",
            region,
            ...bus,
            ...(values.lake === undefined ? [] : ["--lake", resolve(io.cwd, values.lake)]),
            ...passthrough,
          ],
          env: io.env,
          stateFile: join(stateDir, `${region}.json`),
          onPlan: (plan, workers) => {
            if (plan.action !== "hold")
              io.stdout(
                `autoscale ${region}: ${plan.action} to ${plan.desired} worker(s) (${plan.reason}); running ${workers}\n`,
              );
          },
        },
        { intervalMs, stopTimeoutMs, autoscale: controller },
      );
      stop = () => supervisor.stop();
      io.stdout(
        `autoscale ${region}: supervising ingest workers, ${partitions} partitions, state ${join(stateDir, `${region}.json`)}\n`,
      );
      if (stopRequested) return EXIT.OK;
      await supervisor.run();
      io.stdout(`autoscale ${region}: stopped\n`);
      return EXIT.OK;
    } catch (err) {
      if (err instanceof UsageError) return usageError(io, usage, err.message);
      io.stderr(`autoscale failed: ${isFacsimileError(err) ? `${err.code}: ${err.message}` : String(err)}\n`);
      return isFacsimileError(err) && err.code === "AUTOSCALE_CONFIG" ? EXIT.USAGE : EXIT.FAILED;
    } finally {
      process.off("SIGTERM", onSignal);
      process.off("SIGINT", onSignal);
    }
  },
};

export default command;
