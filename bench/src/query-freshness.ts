// Freshness for analysts: the time from publishing a record to seeing it in a query through the PostgreSQL
// endpoint, with the union read on (merged tables plus the unmerged sink tail) and off (merged tables only), both
// measured in the same run over the same worker and lake; the union read off is the baseline. A load process
// (this program with --role load) produces --rate records/s of updates across 40 workspaces for --seconds and,
// every --probe-ms, one new issue of workspace ws-0 (a probe), printing its key and publish time. This process
// runs one ingest worker and starts two endpoints (`facsimile serve pg` processes), and polls each endpoint with Node's pg client for the pending probes.
// Prints p50/p99 per mode and the ratio; --json prints one JSON object instead.
// Run: `npx tsc -b bench && node bench/dist/query-freshness.js [--rate 5000] [--seconds 30] [--json]`.
import { spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { createKafkaTransport, type OutgoingMessage, recordsTopic } from "@facsimile/bus";
import { generateWorkload, type Workload } from "@facsimile/ingest/testing";
import { encodeRecord } from "@facsimile/protocol";
import pg from "pg";
import { benchEnv, benchWorker, percentile, produceAll, registry, untilCaughtUp } from "./ingest-support.js";

export interface QueryFreshnessOptions {
  readonly rate: number;
  readonly seconds: number;
  readonly warmup: number;
  readonly partitions: number;
  /** A probe record every this many ms. */
  readonly probeMs: number;
  /** Each endpoint is polled for pending probes every this many ms. */
  readonly pollMs: number;
}

export const QUERY_FRESHNESS_DEFAULTS: Readonly<QueryFreshnessOptions> = Object.freeze({
  rate: 5_000,
  seconds: 30,
  warmup: 5,
  partitions: 12,
  probeMs: 200,
  pollMs: 50,
});

const PROBE_WS = "ws-0";
const PROBE_FIRST = 1_000;
const SECRET = "bench-query-freshness-secret";

interface Summary {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly count: number;
  /** Probes never seen before the end of the run. */
  readonly missing: number;
}

export interface QueryFreshnessResult {
  readonly producedPerSecond: number;
  readonly probes: number;
  readonly unionOn: Summary;
  readonly unionOff: Summary;
  /** The worker's own figures over the same window: record time -> sink commit, and -> merged. */
  readonly sink: Summary;
  readonly merge: Summary;
  /** unionOn.p99 / unionOff.p99 (below 1: the union read is fresher). */
  readonly p99Ratio: number;
}

const pool = (): Workload =>
  generateWorkload(
    registry,
    { url: "file:///unused" },
    {
      seed: 5,
      workspaces: 40,
      issuesPerWorkspace: 100,
      projectsPerWorkspace: 1,
      pagesPerWorkspace: 1,
      versionsPerResource: 1,
      tombstoneShare: 0,
      generationShare: 0,
      duplicateShare: 0,
      largeShare: 0,
      shuffle: false,
    },
  );

/** New issues of the probe workspace, numbered from PROBE_FIRST (the pool's go up to 99). */
function probeRecords(count: number): { key: string; bytes: Uint8Array }[] {
  const w = generateWorkload(
    registry,
    { url: "file:///unused" },
    {
      seed: 11,
      workspaces: 1,
      issuesPerWorkspace: PROBE_FIRST + count,
      projectsPerWorkspace: 0,
      pagesPerWorkspace: 0,
      versionsPerResource: 1,
      tombstoneShare: 0,
      generationShare: 0,
      duplicateShare: 0,
      largeShare: 0,
      shuffle: false,
    },
  );
  return w.records
    .map((r) => ({ n: Number(/issue\/(\d+)$/.exec(r.record.resourceAri)?.[1] ?? -1), r }))
    .filter(({ n }) => n >= PROBE_FIRST)
    .map(({ n, r }) => ({ key: `${PROBE_WS.toUpperCase()}-${n}`, bytes: r.bytes }));
}

/** The load process: background updates at the rate plus one probe every probeMs; one JSON line per probe. */
async function runLoad(region: string, brokers: readonly string[], o: QueryFreshnessOptions): Promise<void> {
  const records = pool().records;
  const probes = probeRecords(Math.ceil((o.seconds * 1000) / o.probeMs) + 1);
  const transport = createKafkaTransport({ brokers, clientId: "bench-query-load" });
  const tickMs = 20;
  const started = Date.now();
  const measureFrom = started + o.warmup * 1000;
  let produced = 0;
  let probed = 0;
  let version = 1_000n;
  const inFlight = new Set<Promise<unknown>>();
  while (Date.now() - started < o.seconds * 1000) {
    const now = Date.now();
    const due = Math.floor(((now - started) / 1000) * o.rate);
    const messages: OutgoingMessage[] = [];
    for (; produced < due; produced++) {
      const r = records[produced % records.length];
      version++;
      if (r !== undefined)
        messages.push({ key: r.workspaceId, value: encodeRecord({ ...r.record, version }) });
    }
    if (now >= measureFrom && probed < Math.floor((now - measureFrom) / o.probeMs) + 1) {
      const p = probes[probed++];
      if (p !== undefined) {
        messages.push({ key: PROBE_WS, value: p.bytes });
        console.log(JSON.stringify({ probe: p.key, at: now }));
      }
    }
    if (messages.length > 0) {
      const p = transport.produce(recordsTopic(region), messages);
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
      if (inFlight.size > 16) await Promise.race(inFlight);
    }
    await new Promise((r) => setTimeout(r, tickMs));
  }
  const window = (Date.now() - started) / 1000;
  await Promise.all(inFlight);
  await transport.close();
  console.log(JSON.stringify({ produced, window }));
}

interface Endpoint {
  readonly port: number;
  close(): Promise<void>;
}

const CLI = fileURLToPath(new URL("../../cli/bin/facsimile.js", import.meta.url));

/** Starts `facsimile serve pg` on a free port; close() sends SIGTERM and waits for it to stop. */
async function serveProcess(
  region: string,
  lake: string,
  credentials: string,
  cwd: string,
  extra: readonly string[],
): Promise<Endpoint> {
  const child = spawn(
    process.execPath,
    [
      CLI,
      "serve",
      "pg",
      "--region",
      region,
      "--lake",
      lake,
      "--credentials",
      credentials,
      "--port",
      "0",
      "--threads",
      "1",
      ...extra,
    ],
    { cwd, stdio: ["ignore", "pipe", "inherit"], env: process.env },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const m = /on [^\s]+:(\d+) /.exec(out);
      if (m !== null) resolve(Number(m[1]));
    });
    void exited.then(() => reject(new Error(`facsimile serve pg exited before listening: ${out}`)));
  });
  return {
    port,
    async close() {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

/** Polls one endpoint for the pending probes; resolves with their latencies in seconds once stopped. */
function pollProbes(
  errors: string[],
  server: Endpoint,
  pending: Map<string, number>,
  pollMs: number,
  stop: () => boolean,
): Promise<number[]> {
  return (async () => {
    const client = new pg.Client({ host: "127.0.0.1", port: server.port, user: PROBE_WS, password: SECRET });
    await client.connect();
    const seen: number[] = [];
    try {
      while (!stop() || pending.size > 0) {
        if (pending.size > 0) {
          const keys = [...pending.keys()];
          const text = `SELECT key FROM jira_issue WHERE key IN (${keys.map((_, i) => `$${i + 1}`).join(", ")})`;
          const r = await client.query({ text, values: keys }).catch((err: unknown) => {
            errors.push((err as Error).message);
            return { rows: [] as { key: string }[] };
          });
          const now = Date.now();
          for (const row of r.rows as { key: string }[]) {
            const at = pending.get(row.key);
            if (at === undefined) continue;
            seen.push((now - at) / 1000);
            pending.delete(row.key);
          }
        }
        if (stop() && pending.size > 0) break;
        await new Promise((res) => setTimeout(res, pollMs));
      }
    } finally {
      await client.end();
    }
    return seen;
  })();
}

export async function runQueryFreshness(o: QueryFreshnessOptions): Promise<QueryFreshnessResult> {
  const env = await benchEnv("qfresh", o.partitions);
  try {
    // The tables exist, with every workspace's rows, before the measured run.
    await produceAll(
      env,
      pool().records.map((r) => ({ key: r.workspaceId, value: r.bytes })),
    );
    const worker = await benchWorker(env, { maxBatchSize: 20_000, maxWaitMs: 100, mergePollMs: 500 });
    await worker.start();
    await untilCaughtUp(worker);
    const stages = { sink: [] as number[], merge: [] as number[] };
    let measureFrom = Number.POSITIVE_INFINITY;
    const observe = worker.metrics.freshness.observe.bind(worker.metrics.freshness);
    worker.metrics.freshness.observe = (labels, seconds) => {
      observe(labels, seconds);
      if (Date.now() - seconds * 1000 >= measureFrom)
        stages[labels.stage === "sink" ? "sink" : "merge"].push(seconds);
    };

    // Each endpoint is its own `facsimile serve pg` process, as deployed: neither slows the worker's event loop.
    const credentials = join(env.dir, "credentials.json");
    await writeFile(credentials, JSON.stringify({ workspaces: { [PROBE_WS]: SECRET } }));
    const lake = (env.store as { root?: string }).root ?? env.store.url;
    const on = await serveProcess(env.region, lake, credentials, env.dir, []);
    const off = await serveProcess(env.region, lake, credentials, env.dir, ["--no-union-read"]);
    const pendingOn = new Map<string, number>();
    const pendingOff = new Map<string, number>();
    let loadDone = false;
    let deadline = Number.POSITIVE_INFINITY;
    const stop = () => loadDone && Date.now() > deadline;
    const errors: string[] = [];
    const pollers = [
      pollProbes(errors, on, pendingOn, o.pollMs, stop),
      pollProbes(errors, off, pendingOff, o.pollMs, stop),
    ];

    const args = [
      "--role",
      "load",
      "--region",
      env.region,
      "--rate",
      String(o.rate),
      "--seconds",
      String(o.seconds),
    ];
    const load = spawn(
      process.execPath,
      [
        fileURLToPath(import.meta.url),
        ...args,
        "--warmup",
        String(o.warmup),
        "--probe-ms",
        String(o.probeMs),
      ],
      { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, KAFKA_BROKERS: env.brokers.join(",") } },
    );
    let report: { produced: number; window: number } | undefined;
    let probes = 0;
    let buffered = "";
    load.stdout.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        const event = JSON.parse(line) as { probe?: string; at?: number; produced?: number };
        if (event.probe !== undefined && event.at !== undefined) {
          if (probes === 0) measureFrom = event.at;
          probes++;
          pendingOn.set(event.probe, event.at);
          pendingOff.set(event.probe, event.at);
        }
        if (event.produced !== undefined) report = event as typeof report;
      }
    });
    const exit = await new Promise<number | null>((resolve) => load.once("exit", resolve));
    if (exit !== 0 || report === undefined) throw new Error(`the load process failed (exit ${exit})`);
    // Probes still pending get until the backlog is merged plus a margin.
    await untilCaughtUp(worker);
    deadline = Date.now() + 10_000;
    loadDone = true;
    const [seenOn, seenOff] = await Promise.all(pollers);
    await Promise.all([on.close(), off.close()]);
    await worker.stop();
    const summary = (samples: number[], missing: number): Summary => {
      samples.sort((a, b) => a - b);
      return {
        p50: percentile(samples, 0.5),
        p99: percentile(samples, 0.99),
        max: samples[samples.length - 1] ?? Number.NaN,
        count: samples.length,
        missing,
      };
    };
    if (errors.length > 0)
      console.error(
        `query-freshness: ${errors.length} probe queries failed, e.g. ${[...new Set(errors)].slice(0, 3).join(" | ")}`,
      );
    const unionOn = summary(seenOn ?? [], pendingOn.size);
    const unionOff = summary(seenOff ?? [], pendingOff.size);
    return {
      producedPerSecond: report.produced / report.window,
      probes,
      unionOn,
      unionOff,
      sink: summary(stages.sink, 0),
      merge: summary(stages.merge, 0),
      p99Ratio: unionOn.p99 / unionOff.p99,
    };
  } finally {
    await env.close();
  }
}

function options(
  argv: readonly string[],
): QueryFreshnessOptions & { role: string; region: string; json: boolean } {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      rate: { type: "string" },
      seconds: { type: "string" },
      warmup: { type: "string" },
      partitions: { type: "string" },
      "probe-ms": { type: "string" },
      "poll-ms": { type: "string" },
      json: { type: "boolean", default: false },
      role: { type: "string", default: "bench" },
      region: { type: "string", default: "" },
    },
  });
  const pick = (flag: string, key: keyof QueryFreshnessOptions): number =>
    Number((values as Record<string, unknown>)[flag] ?? QUERY_FRESHNESS_DEFAULTS[key]);
  return {
    rate: pick("rate", "rate"),
    seconds: pick("seconds", "seconds"),
    warmup: pick("warmup", "warmup"),
    partitions: pick("partitions", "partitions"),
    probeMs: pick("probe-ms", "probeMs"),
    pollMs: pick("poll-ms", "pollMs"),
    role: values.role,
    region: values.region,
    json: values.json,
  };
}

export default async function main(argv: readonly string[] = []): Promise<void> {
  const o = options(argv);
  if (o.role === "load") {
    await runLoad(o.region, (process.env.KAFKA_BROKERS ?? "127.0.0.1:19092").split(","), o);
    return;
  }
  const r = await runQueryFreshness(o);
  if (o.json) {
    console.log(
      JSON.stringify({
        bench: "query-freshness",
        options: { ...o, role: undefined, region: undefined },
        ...r,
      }),
    );
    return;
  }
  const s = (p: Summary, unit = "probes"): string =>
    `p50 ${p.p50.toFixed(2)} s, p99 ${p.p99.toFixed(2)} s, max ${p.max.toFixed(2)} s (${p.count} ${unit}` +
    `${p.missing > 0 ? `, ${p.missing} never seen` : ""})`;
  console.log(
    `query-freshness: ${Math.round(r.producedPerSecond).toLocaleString("en-US")} records/s offered for ${o.seconds} s, ` +
      `${r.probes} probes (one per ${o.probeMs} ms after ${o.warmup} s), one worker, publish -> visible through the pg endpoint\n` +
      `  union read off (baseline: merged tables)  ${s(r.unionOff)}\n` +
      `  union read on                             ${s(r.unionOn)} = p99 ${r.p99Ratio.toFixed(2)} x off\n` +
      `  (worker: record -> sink commit ${s(r.sink, "records")}; -> merged ${s(r.merge, "records")})`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main(process.argv.slice(2));
