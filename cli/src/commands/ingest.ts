// `facsimile ingest --region R`: runs one region's ingest worker (consume, check, dead-letter, append to the raw
// sink, merge into the target tables) until SIGTERM/SIGINT, or with --until-idle until everything consumed is
// merged. Wires the transport, the lake store, the directory and the compiled models; the work is the worker's.
// SIGTERM finishes the running micro-batch and drains the merge; a second signal, or --stop-timeout, abandons
// it (safe: nothing is committed half, the batch is delivered again).

import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  consoleLogger,
  createKafkaTransport,
  createLocalTransport,
  createRegionTopics,
  recordsTopic,
  type Transport,
} from "@facsimile/bus";
import { createDirectoryView, createTransportDirectoryLog, DIRECTORY_TOPIC } from "@facsimile/control-plane";
import { isFacsimileError, isIntegerInRange, lakeLocation } from "@facsimile/core";
import {
  createIngestWorker,
  DEFAULT_INGEST_WORKER_OPTIONS,
  type IngestDirectory,
  type IngestStages,
  type IngestWorker,
  type MetricsServer,
  parseIngestDirectory,
  serveMetrics,
} from "@facsimile/ingest";
import { openObjectStore } from "@facsimile/object-store";
import { loadDefaultRegistry } from "@facsimile/schemas";
import { compileModels, DEFAULT_MODELS_DIR } from "@facsimile/transforms";
import { type CliCommand, EXIT, usageError } from "../command.js";
import { openRoutedLake } from "../lake-keys.js";

const usage = `usage: facsimile ingest --region <region> [--kafka <brokers> | --local <dir>] [--lake <url>] [options]

Runs the ingest worker of one region as a member of its consumer group: decodes each micro-batch (fetching
offloaded payloads), re-checks every record's workspace against the directory, dead-letters what it cannot
handle, appends the rest to the raw sink (regions/<region>/sink/records) and merges the sink into the target
tables (regions/<region>/tables/<table>) with the transform models.

  --region <region>        the region whose facsimile.<region>.records topic is consumed
  --kafka <brokers>        comma-separated Kafka brokers (default: $KAFKA_BROKERS)
  --local <dir>            the embedded file-backed bus in <dir> instead of Kafka
  --lake <url>             lake root: a path, file:///path or s3://bucket/prefix (default: $FACSIMILE_LAKE,
                           else $FACSIMILE_HOME/lake, else ./.facsimile/lake)
  --offload <url>          the store offload pointers point into (default: the lake's)
  --directory <file>       workspace directory JSON: {"workspaces": {"ws-1": "eu", "ws-2": {"region": "us",
                           "deletionGeneration": 3}}}; without it no region or generation checks are made
  --control                read the control plane's directory instead (the ${DIRECTORY_TOPIC} topic on this bus,
                           followed live: regions, generations, the erasure registry)
  --models <dir>           hand-written models (default: transforms/models); defaults are generated per entity
  --group <id>             consumer group (default: facsimile-ingest-<region>)
  --session-timeout <ms>   Kafka group session timeout: how soon a dead worker's partitions (and with them its
                           merges) move to the others (default 30000; heartbeats every tenth of it)
  --stages <s>             all (default), append (sink only) or merge (targets only)
  --wrong-region <p>       reroute (default) or drop records whose workspace lives in another region
  --dlq-payloads <p>       store (default): a dead letter's bytes go to the lake (regions/<region>/dead-letters/
                           <workspace>/), the DLQ message references them, so erasure can delete them;
                           inline: the bytes in the DLQ message
  --unknown-workspace <p>  dead-letter (default) or accept records of workspaces the directory lacks
  --batch-size <n>         messages per micro-batch (default ${DEFAULT_INGEST_WORKER_OPTIONS.maxBatchSize})
  --threads <n>            DuckDB threads of the worker's instance (default: 1)
  --metrics-port <n>       serve Prometheus metrics on http://0.0.0.0:<n>/metrics (0: a free port)
  --create-topics          create the region's topics when missing, with --partitions <n> (default 12)
  --until-idle             exit once every consumed record is in the sink and merged (alias: --once)
  --stop-timeout <ms>      after SIGTERM, abandon the running batch after this long (default 30000)
  --log-level <level>      debug, info (default), warn or error; logs are JSON lines on stderr

exit codes: 0 stopped cleanly, 1 the worker failed, 2 usage or configuration error`;

const OPTIONS = {
  region: { type: "string" },
  kafka: { type: "string" },
  local: { type: "string" },
  lake: { type: "string" },
  offload: { type: "string" },
  directory: { type: "string" },
  control: { type: "boolean" },
  models: { type: "string" },
  group: { type: "string" },
  "session-timeout": { type: "string" },
  stages: { type: "string", default: "all" },
  "wrong-region": { type: "string", default: "reroute" },
  "dlq-payloads": { type: "string", default: "store" },
  "unknown-workspace": { type: "string", default: "dead-letter" },
  "batch-size": { type: "string" },
  threads: { type: "string" },
  "metrics-port": { type: "string" },
  "create-topics": { type: "boolean" },
  partitions: { type: "string", default: "12" },
  "until-idle": { type: "boolean" },
  once: { type: "boolean" },
  "stop-timeout": { type: "string", default: "30000" },
  "log-level": { type: "string", default: "info" },
} as const;

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value))
    throw new UsageError(`--${name} must be one of ${allowed.join(", ")}, got ${JSON.stringify(value)}`);
  return value as T;
}

function integer(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!isIntegerInRange(n, { min }))
    throw new UsageError(`--${name} must be an integer >= ${min}, got ${value}`);
  return n;
}

class UsageError extends Error {}

const DEFAULT_STOP_TIMEOUT_MS = 30_000;

const command: CliCommand = {
  summary: "run a region's ingest worker: Kafka -> raw sink -> merged tables",
  usage,
  async run(args, io) {
    let values: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; args: string[] }>>["values"];
    try {
      ({ values } = parseArgs({ args: [...args], options: OPTIONS, strict: true }));
    } catch (err) {
      return usageError(io, usage, (err as Error).message);
    }
    let transport: Transport | undefined;
    let metricsServer: MetricsServer | undefined;
    const cleanups: (() => Promise<void>)[] = [];
    // Signals are handled from the first moment of the command: one that arrives while the worker is still
    // being set up means "do not start", and a clean exit, rather than Node's default of dying mid-setup.
    let current: IngestWorker | undefined;
    let stopRequested = false;
    let signals = 0;
    const onSignal = (signal: string): void => {
      signals++;
      if (signals > 1) {
        io.stderr(`${signal} again: abandoning the running batch\n`);
        process.exit(EXIT.FAILED);
      }
      stopRequested = true;
      io.stderr(`${signal}: stopping, finishing the running batch\n`);
      setTimeout(() => {
        io.stderr(`stop took longer than ${stopTimeoutMs} ms: abandoning the running batch\n`);
        process.exit(EXIT.FAILED);
      }, stopTimeoutMs).unref();
      void current?.stop();
    };
    let stopTimeoutMs = DEFAULT_STOP_TIMEOUT_MS;
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
    cleanups.push(async () => {
      process.off("SIGTERM", onSignal);
      process.off("SIGINT", onSignal);
    });
    try {
      const region = values.region;
      if (region === undefined) throw new UsageError("--region is required");
      const brokers = values.kafka ?? io.env.KAFKA_BROKERS;
      if (values.local !== undefined && values.kafka !== undefined)
        throw new UsageError("give --kafka or --local, not both");
      const stages = oneOf<IngestStages>("stages", values.stages, ["all", "append", "merge"]);
      const wrongRegion = oneOf("wrong-region", values["wrong-region"], ["reroute", "drop"] as const);
      const deadLetterPayloads = oneOf("dlq-payloads", values["dlq-payloads"], ["store", "inline"] as const);
      const unknownWorkspace = oneOf("unknown-workspace", values["unknown-workspace"], [
        "dead-letter",
        "accept",
      ] as const);
      const level = oneOf("log-level", values["log-level"], ["debug", "info", "warn", "error"] as const);
      const batchSize = integer("batch-size", values["batch-size"], 1);
      const threads = integer("threads", values.threads, 1);
      const metricsPort = integer("metrics-port", values["metrics-port"], 0);
      const partitions = integer("partitions", values.partitions, 1) ?? 12;
      const sessionTimeoutMs = integer("session-timeout", values["session-timeout"], 1_000);
      stopTimeoutMs = integer("stop-timeout", values["stop-timeout"], 0) ?? DEFAULT_STOP_TIMEOUT_MS;
      if (values.local === undefined && (brokers === undefined || brokers === ""))
        throw new UsageError("no bus: give --kafka <brokers> (or set KAFKA_BROKERS) or --local <dir>");

      const logger = consoleLogger(level);
      let directory: IngestDirectory | undefined;
      // BYOK: each workspace's objects under its key id, as the directory says when the object is written.
      const store = await openRoutedLake(lakeLocation(values.lake, io.env, io.cwd), () => directory, io);
      cleanups.push(() => store.close());
      const offloadStore =
        values.offload === undefined
          ? undefined
          : await openObjectStore(resolveLocal(io.cwd, values.offload), { env: io.env });
      if (offloadStore !== undefined) cleanups.push(() => offloadStore.close());
      if (values.directory !== undefined) {
        const file = resolve(io.cwd, values.directory);
        directory = parseIngestDirectory(await readFile(file, "utf8"), file);
      }
      const registry = loadDefaultRegistry();
      const { models } = await compileModels(registry, {
        modelsDir: values.models === undefined ? DEFAULT_MODELS_DIR : resolve(io.cwd, values.models),
      });
      transport =
        values.local !== undefined
          ? createLocalTransport({ directory: resolve(io.cwd, values.local) })
          : createKafkaTransport({
              brokers: (brokers ?? "").split(",").map((b) => b.trim()),
              clientId: `facsimile-ingest-${region}`,
              logger,
              ...(sessionTimeoutMs === undefined
                ? {}
                : {
                    sessionTimeoutMs,
                    heartbeatIntervalMs: Math.max(100, Math.floor(sessionTimeoutMs / 10)),
                    rebalanceTimeoutMs: Math.max(sessionTimeoutMs, 10_000),
                  }),
            });
      if (values.control === true) {
        if (directory !== undefined) throw new UsageError("give --directory or --control, not both");
        const log = createTransportDirectoryLog(transport, { logger });
        const view = createDirectoryView(log, { logger });
        await view.start();
        cleanups.push(async () => {
          view.stop();
          await log.close();
        });
        directory = view;
      }
      if (values["create-topics"] === true) await createRegionTopics(transport, region, { partitions });
      else if ((await transport.partitionCount(recordsTopic(region))) === undefined)
        throw new UsageError(
          `${recordsTopic(region)} does not exist on ${transport.url}: create it or pass --create-topics`,
        );

      const worker = createIngestWorker({
        region,
        transport,
        store,
        ...(offloadStore === undefined ? {} : { offloadStore }),
        registry,
        ...(directory === undefined ? {} : { directory }),
        models,
        logger,
        options: {
          ...(values.group === undefined ? {} : { groupId: values.group }),
          stages,
          wrongRegion,
          unknownWorkspace,
          deadLetterPayloads,
          ...(batchSize === undefined ? {} : { maxBatchSize: batchSize }),
          ...(threads === undefined ? {} : { duckdb: { config: { threads: String(threads) } } }),
        },
      });
      if (metricsPort !== undefined) {
        metricsServer = await serveMetrics(() => worker.metrics.registry.render(), metricsPort);
        io.stdout(`metrics: ${metricsServer.url}\n`);
      }
      if (stopRequested) {
        io.stdout(`ingest ${region}: stopped before start\n`);
        return EXIT.OK;
      }
      await worker.start();
      current = worker;
      // A signal during start() found no worker to stop yet: stop now.
      if (stopRequested) await worker.stop();
      io.stdout(`ingest ${region}: ${models.length} models, group ${worker.groupId}, stages ${stages}\n`);
      if (values["until-idle"] === true || values.once === true) {
        for (;;) {
          const outcome = await Promise.race([
            worker.done.then(() => "stopped" as const),
            new Promise<"tick">((r) => setTimeout(() => r("tick"), 250)),
          ]);
          if (outcome === "stopped") break;
          if (await worker.caughtUp()) {
            await worker.stop();
            break;
          }
        }
      }
      await worker.done;
      const m = worker.metrics;
      io.stdout(
        `ingest ${region}: stopped; ${m.recordsIn.get({ region })} consumed, ` +
          `${m.recordsOut.get({ region, stage: "sink" })} into the sink, ` +
          `${m.recordsOut.get({ region, stage: "merge" })} merged\n`,
      );
      return EXIT.OK;
    } catch (err) {
      if (err instanceof UsageError) return usageError(io, usage, err.message);
      io.stderr(`ingest failed: ${isFacsimileError(err) ? `${err.code}: ${err.message}` : String(err)}\n`);
      return isFacsimileError(err) && err.code === "INGEST_CONFIG" ? EXIT.USAGE : EXIT.FAILED;
    } finally {
      await metricsServer?.close();
      await transport?.close();
      for (const c of cleanups.reverse()) await c().catch(() => undefined);
    }
  },
};

/** A plain path is taken relative to the working directory; URLs are left alone. */
function resolveLocal(cwd: string, url: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : resolve(cwd, url);
}

export default command;
