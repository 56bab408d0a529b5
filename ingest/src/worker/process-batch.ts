// Steps 1-4 of one micro-batch, in order: drop what the sink already holds (by its per-partition txn), decode
// and classify the rest, dead-letter and re-route (durably), then append the accepted records to the sink in one
// commit carrying each partition's txn. The caller commits the Kafka offsets only after this returns. Nothing here commits
// offsets, merges or retries.
import type { ConsumedBatch, ConsumedMessage, Logger, Transport } from "@facsimile/bus";
import type { Table } from "@facsimile/lake";
import type { RecordDecoder } from "@facsimile/protocol";
import type { SchemaRegistry } from "@facsimile/schemas";
import type { IngestDirectory } from "../directory/ingest-directory.js";
import type { DropReason } from "../errors.js";
import type { IngestMetrics } from "../metrics/ingest-metrics.js";
import { measureFreshness } from "../metrics/measure-freshness.js";
import { type AcceptedRecord, type ClassifyOptions, classifyMessages } from "../records/classify-messages.js";
import { routeSideEffects } from "../records/route-side-effects.js";
import type { DeadLetterPayloads } from "../records/write-dead-letters.js";
import { appendToSink, type SinkCommit, type SinkPartitionWrite } from "../sink/append-to-sink.js";
import { readSinkPositions } from "../sink/read-sink-positions.js";

export interface ProcessBatchDeps {
  readonly region: string;
  readonly transport: Transport;
  readonly decoder: RecordDecoder;
  readonly registry: SchemaRegistry;
  readonly directory: IngestDirectory | undefined;
  /** The raw sink. */
  readonly sink: Table;
  readonly metrics: IngestMetrics;
  readonly logger: Logger;
  readonly clock: () => number;
  readonly classify: ClassifyOptions;
  /** Told of the batch's sink commit as it lands. */
  readonly onSinkCommit?: (commit: SinkCommit) => void;
  /** Dead letters' payloads go here instead of the DLQ message (see write-dead-letters.ts). */
  readonly deadLetterPayloads?: DeadLetterPayloads;
}

export interface ProcessedBatch {
  /** The batch's sink commit; undefined when nothing of the batch was new to the sink. */
  readonly commit: SinkCommit | undefined;
  readonly accepted: number;
}

const partitionKey = (m: { topic: string; partition: number }): string => `${m.topic}\u0000${m.partition}`;

export async function processBatch(deps: ProcessBatchDeps, batch: ConsumedBatch): Promise<ProcessedBatch> {
  const { metrics, region } = deps;
  const t0 = performance.now();
  const positions = await readSinkPositions(deps.sink);
  const tPositions = performance.now();
  const fresh: ConsumedMessage[] = [];
  const last = new Map<string, { topic: string; partition: number; offset: bigint }>();
  for (const m of batch.messages) {
    if (m.offset <= positions.lastOffset(m)) continue;
    fresh.push(m);
    const k = partitionKey(m);
    const seen = last.get(k);
    if (seen === undefined || m.offset > seen.offset)
      last.set(k, { topic: m.topic, partition: m.partition, offset: m.offset });
  }
  const replayed = batch.messages.length - fresh.length;
  if (replayed > 0) metrics.dropped.inc({ region, reason: "already_in_sink" }, replayed);
  if (fresh.length === 0) return { commit: undefined, accepted: 0 };

  const plan = await classifyMessages(
    { region, decoder: deps.decoder, registry: deps.registry, directory: deps.directory },
    fresh,
    deps.classify,
  );
  const tClassify = performance.now();
  const effects = await routeSideEffects(deps.transport, region, plan, deps.clock(), deps.deadLetterPayloads);
  for (const d of plan.deadLetters) metrics.deadLetters.inc({ region, reason: d.reason });
  for (const [to, n] of effects.rerouted) metrics.rerouted.inc({ region, to }, n);
  for (const [to, n] of effects.replicated) metrics.replicated.inc({ region, to }, n);
  const drops = new Map<DropReason, number>();
  for (const d of plan.drops) drops.set(d.reason, (drops.get(d.reason) ?? 0) + 1);
  for (const [, n] of effects.unroutable) drops.set("wrong_region", (drops.get("wrong_region") ?? 0) + n);
  for (const [reason, n] of drops) metrics.dropped.inc({ region, reason }, n);
  if (effects.unroutable.size > 0)
    deps.logger.warn("re-routes to regions without a records topic were dropped", {
      regions: Object.fromEntries(effects.unroutable),
    });

  // A partition's txn advances when it has records or side effects; pure drops repeat harmlessly on replay.
  const records = new Map<string, AcceptedRecord[]>();
  for (const r of plan.accepted) {
    const k = partitionKey(r.message);
    const list = records.get(k);
    if (list === undefined) records.set(k, [r]);
    else list.push(r);
  }
  const touched = new Set([...plan.deadLetters, ...plan.reroutes].map((x) => partitionKey(x.message)));
  const writes: SinkPartitionWrite[] = [];
  for (const [k, tp] of last) {
    const rs = records.get(k) ?? [];
    if (rs.length === 0 && !touched.has(k)) continue;
    writes.push({ topic: tp.topic, partition: tp.partition, lastOffset: tp.offset, records: rs });
  }
  const ingestTime = deps.clock();
  const commit = await appendToSink(deps.sink, writes, ingestTime, deps.onSinkCommit);
  const committedAt = deps.clock();
  let written = 0;
  if (commit !== undefined && commit.conflicts > 0)
    metrics.commitConflicts.inc({ region, table: "sink" }, commit.conflicts);
  if (commit?.status === "committed") {
    metrics.commits.inc({ region, stage: "sink" });
    written = commit.rows;
    measureFreshness(
      metrics,
      region,
      "sink",
      committedAt,
      commit.records.map((r) => r.message.timestamp),
    );
  }
  metrics.countOut("sink", written, committedAt);
  const tEnd = performance.now();
  deps.logger.debug("micro-batch in the sink", {
    region,
    messages: batch.messages.length,
    accepted: plan.accepted.length,
    partitions: writes.length,
    sinkVersion: commit?.version,
    positionsMs: Math.round(tPositions - t0),
    classifyMs: Math.round(tClassify - tPositions),
    sinkMs: Math.round(tEnd - tClassify),
  });
  return { commit, accepted: plan.accepted.length };
}
