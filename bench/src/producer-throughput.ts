// Publishing throughput of the producer SDK against the raw Kafka client in the same run: for small (~200 B),
// typical (~1 KiB) and large (~100 KiB) JiraIssue records over 50 workspaces, the SDK (validation on and off,
// `--in-flight` publishes outstanding) and the raw client sending the same envelope bytes in batches of the same
// size, to one 12-partition topic, acks=all, idempotent. Each SDK figure is printed as a ratio of the raw
// client's records/s for that size.
// Modes run in --rounds interleaved rounds (rotating order) and the CPU time of this process per record is printed
// too (under load from elsewhere, wall-clock rates move a lot; CPU per record barely does).
// Options: --records (per size, over all rounds; large runs use 1/50 of it), --partitions, --workspaces, --rounds,
// --in-flight, --sizes small,typical,large, --compression gzip|none (default: the transport's), --lanes (the SDK
// transport's producerLanes; the raw client is always one idempotent producer), --json.
// Run: `npx tsc -b bench && node bench/dist/producer-throughput.js` (Kafka at $KAFKA_BROKERS).
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import {
  createKafkaTransport,
  DEFAULT_KAFKA_TRANSPORT_OPTIONS,
  recordsTopic,
  type Transport,
} from "@facsimile/bus";
import { LocalObjectStore } from "@facsimile/object-store";
import { createProducer, createStaticWorkspaceDirectory, type Producer } from "@facsimile/producer-sdk";
import { type EntityInputs, loadDefaultRegistry } from "@facsimile/schemas";
import { type RawProducer, rawKafkajsProducer } from "./producer-raw-client.js";
import { buildWorkload, RECORD_SIZES, type RecordSize, type Workload } from "./producer-workload.js";

export interface ProducerThroughputOptions {
  readonly records: number;
  readonly partitions: number;
  readonly workspaces: number;
  readonly inFlight: number;
  /** Each mode runs this many times, interleaved with the others; records are split over the rounds. */
  readonly rounds: number;
  readonly sizes: readonly RecordSize[];
  readonly compression: "gzip" | "none";
  /** producerLanes of the SDK's KafkaTransport (the raw client is one producer, one request at a time). */
  readonly lanes: number;
}

export const PRODUCER_THROUGHPUT_DEFAULTS: Readonly<ProducerThroughputOptions> = Object.freeze({
  records: 50_000,
  partitions: 12,
  workspaces: 50,
  inFlight: 2_000,
  rounds: 3,
  sizes: RECORD_SIZES,
  compression: DEFAULT_KAFKA_TRANSPORT_OPTIONS.compression,
  lanes: DEFAULT_KAFKA_TRANSPORT_OPTIONS.producerLanes,
});

export interface SizeResult {
  readonly size: RecordSize;
  readonly records: number;
  readonly meanRecordBytes: number;
  readonly rawPerSecond: number;
  readonly sdkValidatedPerSecond: number;
  readonly sdkUnvalidatedPerSecond: number;
  readonly ratioValidated: number;
  readonly ratioUnvalidated: number;
  /** CPU time of this process per record (the broker not included): a figure load elsewhere barely moves. */
  readonly cpuMicrosPerRecord: {
    readonly raw: number;
    readonly sdkValidated: number;
    readonly sdkUnvalidated: number;
  };
}

export interface ProducerThroughputResult {
  readonly bench: "producer-throughput";
  readonly client: string;
  readonly options: ProducerThroughputOptions;
  readonly sizes: readonly SizeResult[];
}

const registry = loadDefaultRegistry();

/** Wall time and this process's CPU time of one run. */
interface Timed {
  readonly ms: number;
  readonly cpuMs: number;
}

async function timed(run: () => Promise<void>): Promise<Timed> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await run();
  const cpu = process.cpuUsage(cpu0);
  return { ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 };
}

function rawRun(raw: RawProducer, topic: string, w: Workload, window: number): () => Promise<void> {
  const messages = w.changes.map((c, i) => ({ key: c.workspaceId, value: w.encoded[i] as Uint8Array }));
  return () => raw.sendAll(topic, messages, window);
}

/** Publishes every change with at most `window` publishes outstanding, until the last ack. */
function sdkRun(producer: Producer<EntityInputs>, w: Workload, window: number): () => Promise<void> {
  return async () => {
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < w.changes.length) {
        const c = w.changes[next++];
        if (c === undefined) return;
        await producer.publish("JiraIssue", c);
      }
    };
    await Promise.all(Array.from({ length: Math.min(window, w.changes.length) }, lane));
    await producer.flush();
  };
}

export async function runProducerThroughput(o: ProducerThroughputOptions): Promise<ProducerThroughputResult> {
  const brokers = (process.env.KAFKA_BROKERS ?? "127.0.0.1:19092").split(",");
  const region = `bench-pt-${Date.now().toString(36)}`;
  const topic = recordsTopic(region);
  const transport: Transport = createKafkaTransport({
    brokers,
    clientId: "bench-producer",
    compression: o.compression,
    producerLanes: o.lanes,
  });
  await transport.createTopics([{ topic, partitions: o.partitions }]);
  const store = new LocalObjectStore(`${process.env.TMPDIR ?? "/tmp"}/facsimile-bench-pt-${region}`, {
    durable: false,
  });
  const directory = createStaticWorkspaceDirectory(
    Object.fromEntries(Array.from({ length: o.workspaces }, (_, i) => [`ws-${i}`, region])),
  );
  const producerOf = (validate: boolean) =>
    createProducer({ transport, store, directory, registry }, { validate });
  const raw = await rawKafkajsProducer(brokers, o.compression);
  const sizes: SizeResult[] = [];
  try {
    for (const size of o.sizes) {
      const count = size === "large" ? Math.max(100, Math.floor(o.records / 50)) : o.records;
      const perRound = Math.ceil(count / o.rounds);
      const w = buildWorkload(size, perRound, o.workspaces);
      const warm = buildWorkload(size, Math.min(perRound, size === "large" ? 50 : 2_000), o.workspaces);
      const validated = producerOf(true);
      const unvalidated = producerOf(false);
      const modes = [
        { run: rawRun(raw, topic, w, o.inFlight), warm: rawRun(raw, topic, warm, o.inFlight) },
        { run: sdkRun(validated, w, o.inFlight), warm: sdkRun(validated, warm, o.inFlight) },
        { run: sdkRun(unvalidated, w, o.inFlight), warm: sdkRun(unvalidated, warm, o.inFlight) },
      ];
      for (const m of modes) await m.warm();
      // Rounds interleave the three modes, rotating their order, so that load from elsewhere falls on all alike.
      const totals = modes.map(() => ({ ms: 0, cpuMs: 0 }));
      for (let r = 0; r < o.rounds; r++) {
        for (let k = 0; k < modes.length; k++) {
          const i = (r + k) % modes.length;
          const t = await timed((modes[i] as (typeof modes)[number]).run);
          const total = totals[i] as { ms: number; cpuMs: number };
          total.ms += t.ms;
          total.cpuMs += t.cpuMs;
        }
      }
      await Promise.all([validated.close(), unvalidated.close()]);
      const records = perRound * o.rounds;
      const [rawT, onT, offT] = totals as [Timed, Timed, Timed];
      const perSecond = (t: Timed) => records / (t.ms / 1000);
      const cpuUs = (t: Timed) => (t.cpuMs * 1000) / records;
      const rawPerSecond = perSecond(rawT);
      const sdkValidatedPerSecond = perSecond(onT);
      const sdkUnvalidatedPerSecond = perSecond(offT);
      sizes.push({
        size,
        records,
        meanRecordBytes: Math.round(w.meanRecordBytes),
        rawPerSecond,
        sdkValidatedPerSecond,
        sdkUnvalidatedPerSecond,
        ratioValidated: sdkValidatedPerSecond / rawPerSecond,
        ratioUnvalidated: sdkUnvalidatedPerSecond / rawPerSecond,
        cpuMicrosPerRecord: { raw: cpuUs(rawT), sdkValidated: cpuUs(onT), sdkUnvalidated: cpuUs(offT) },
      });
    }
  } finally {
    await raw.close().catch(() => undefined);
    await transport.deleteTopics([topic]).catch(() => undefined);
    await transport.close();
    await store.close();
  }
  return { bench: "producer-throughput", client: raw.client, options: o, sizes };
}

function options(argv: readonly string[]): ProducerThroughputOptions & { json: boolean } {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      records: { type: "string" },
      partitions: { type: "string" },
      workspaces: { type: "string" },
      "in-flight": { type: "string" },
      rounds: { type: "string" },
      sizes: { type: "string" },
      compression: { type: "string" },
      lanes: { type: "string" },
      json: { type: "boolean" },
    },
  });
  const d = PRODUCER_THROUGHPUT_DEFAULTS;
  const sizes = values.sizes === undefined ? d.sizes : values.sizes.split(",");
  const unknown = sizes.filter((s) => !RECORD_SIZES.includes(s as RecordSize));
  if (unknown.length > 0)
    throw new Error(`unknown --sizes ${unknown.join(",")}; known: ${RECORD_SIZES.join(",")}`);
  const compression = values.compression ?? d.compression;
  if (compression !== "gzip" && compression !== "none") throw new Error("--compression is gzip or none");
  return {
    records: Number(values.records ?? d.records),
    partitions: Number(values.partitions ?? d.partitions),
    workspaces: Number(values.workspaces ?? d.workspaces),
    inFlight: Number(values["in-flight"] ?? d.inFlight),
    rounds: Math.max(1, Number(values.rounds ?? d.rounds)),
    sizes: sizes as RecordSize[],
    compression,
    lanes: Number(values.lanes ?? d.lanes),
    json: values.json === true,
  };
}

export default async function main(argv: readonly string[] = []): Promise<void> {
  const { json, ...o } = options(argv);
  const r = await runProducerThroughput(o);
  if (json) {
    console.log(JSON.stringify(r));
    return;
  }
  const f = (n: number): string => Math.round(n).toLocaleString("en-US").padStart(9);
  console.log(
    `producer-throughput: ${o.partitions} partitions, acks=all, idempotent, ${o.compression}, ` +
      `${o.workspaces} workspaces, ${o.inFlight} in flight, SDK transport ${o.lanes} producer lanes, ` +
      `raw client ${r.client} (one producer)`,
  );
  for (const s of r.sizes) {
    const c = s.cpuMicrosPerRecord;
    console.log(
      `  ${s.size.padEnd(8)} ${String(s.meanRecordBytes).padStart(7)} B x ${s.records}: raw ${f(s.rawPerSecond)} rec/s | ` +
        `SDK validated ${f(s.sdkValidatedPerSecond)} rec/s = ${s.ratioValidated.toFixed(2)}x | ` +
        `unvalidated ${f(s.sdkUnvalidatedPerSecond)} rec/s = ${s.ratioUnvalidated.toFixed(2)}x | CPU µs/record ` +
        `raw ${c.raw.toFixed(1)}, SDK ${c.sdkValidated.toFixed(1)} / ${c.sdkUnvalidated.toFixed(1)}`,
    );
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main(process.argv.slice(2));
