// The merge stage as a loop beside the consumer: whenever the sink has versions the targets have not merged
// (this worker's own appends wake it; the sink is also polled for other workers' commits), one round brings
// every target up to the sink head. Rounds coalesce: appends that land while a round runs are merged by the
// next one, in one commit per target. A commit conflict or a transient error re-reads the targets' positions
// and starts over; anything else stops the worker. It never consumes, commits offsets or writes the sink.
import type { ConsumedMessage, Logger, Transport } from "@facsimile/bus";
import { isRetriable, RetryExhausted, retryWithinBudget } from "@facsimile/core";
import {
  isCommitConflictError,
  isTxnsPartlyCommittedError,
  loadSnapshot,
  type Table,
  TableNotFoundError,
} from "@facsimile/lake";
import { workspaceKey } from "@facsimile/protocol";
import type { SchemaRegistry } from "@facsimile/schemas";
import type { IngestDirectory } from "../directory/ingest-directory.js";
import { mergeTxns, partitionPositions } from "../merge/merge-txns.js";
import { readSinkHead } from "../merge/read-merge-position.js";
import { readSinkRange } from "../merge/read-sink-range.js";
import {
  type MergeRejection,
  type MergeTarget,
  runMergeRound,
  type TargetPosition,
} from "../merge/run-merge-round.js";
import { encodeSinkRecord } from "../merge/sink-record.js";
import type { SinkVersionCache } from "../merge/sink-version-cache.js";
import type { IngestMetrics } from "../metrics/ingest-metrics.js";
import { measureFreshness } from "../metrics/measure-freshness.js";
import { type DeadLetterPayloads, writeDeadLetters } from "../records/write-dead-letters.js";

export interface MergeLoopDeps {
  readonly region: string;
  readonly transport: Transport;
  readonly registry: SchemaRegistry;
  /** The sink, on the merge connection. */
  readonly sink: Table;
  readonly targets: readonly MergeTarget[];
  readonly appId: string;
  readonly cache: SinkVersionCache;
  readonly metrics: IngestMetrics;
  readonly logger: Logger;
  readonly clock: () => number;
  /** The erasure registry: records it forbids are not merged (the sink may still hold them until purged). */
  readonly directory?: IngestDirectory | undefined;
  /** Dead letters' payloads go here instead of the DLQ message (see write-dead-letters.ts). */
  readonly deadLetterPayloads?: DeadLetterPayloads | undefined;
}

export interface MergeLoopOptions {
  readonly idleAdvanceVersions: number;
  readonly writeConcurrency: number;
  /** How often the sink is polled for versions other workers committed. */
  readonly pollMs: number;
  readonly retryInitialMs: number;
  readonly retryMaxMs: number;
}

const positionKey = (table: string, partition: number): string => `${table}#${partition}`;

export class MergeLoop {
  /** Per target and owned partition (positionKey). */
  private positions = new Map<string, TargetPosition>();
  /** The records-topic partitions this worker merges; undefined until the first assignment. */
  private owned: readonly number[] | undefined;
  /** The partitions `positions` were read for (a round merges these; a change of `owned` re-reads them first). */
  private positionsFor: readonly number[] = [];
  private positionsKnown = false;
  private ownHead = -1;
  private seenHead = -1;
  private wakeUp: (() => void) | undefined;
  private progressWaiters: (() => void)[] = [];
  private stopping = false;
  private running: Promise<void> | undefined;
  private failure: unknown;
  private checked = false;

  constructor(
    private readonly deps: MergeLoopDeps,
    private readonly options: MergeLoopOptions,
  ) {
    this.backoffMs = options.retryInitialMs;
  }

  /** Starts the loop; the returned promise settles when it ends (rejects on a fatal error). */
  start(): Promise<void> {
    this.running ??= this.loop();
    return this.running;
  }

  /** A sink version this worker committed. */
  noteSinkVersion(version: number): void {
    if (version > this.ownHead) this.ownHead = version;
    this.wakeUp?.();
  }

  /**
   * The partitions of the records topic this worker merges (the consumer group's assignment; every partition for
   * a merge-only worker). A change makes the next round re-read the positions of the partitions now owned.
   */
  setOwned(partitions: readonly number[]): void {
    const next = [...new Set(partitions)].sort((a, b) => a - b);
    if (this.owned !== undefined && next.join() === this.owned.join()) return;
    this.owned = next;
    this.positionsKnown = false;
    this.wakeUp?.();
  }

  /** The partitions merged (a copy), undefined before the first assignment. */
  get ownedPartitions(): readonly number[] | undefined {
    return this.owned === undefined ? undefined : [...this.owned];
  }

  /**
   * The lowest sink version every target has merged for every owned partition (or has nothing of them to merge up
   * to); -1 before the first round or the first assignment.
   */
  mergedThrough(): number {
    if (this.deps.targets.length === 0) return Number.MAX_SAFE_INTEGER;
    if (!this.positionsKnown || this.owned === undefined) return -1;
    let low = Number.MAX_SAFE_INTEGER;
    for (const t of this.deps.targets)
      for (const partition of this.owned) {
        const p = this.positions.get(positionKey(t.model.table, partition));
        low = Math.min(low, p === undefined ? -1 : Math.max(p.txn, p.caughtUp));
      }
    return low;
  }

  /** Per target: the lowest position of the owned partitions (what a round merges from). */
  private tablePositions(owned: readonly number[]): Map<string, TargetPosition> {
    const out = new Map<string, TargetPosition>();
    for (const t of this.deps.targets) {
      let txn = Number.MAX_SAFE_INTEGER;
      let caughtUp = Number.MAX_SAFE_INTEGER;
      for (const partition of owned) {
        const p = this.positions.get(positionKey(t.model.table, partition)) ?? { txn: -1, caughtUp: -1 };
        txn = Math.min(txn, p.txn);
        caughtUp = Math.min(caughtUp, Math.max(p.txn, p.caughtUp));
      }
      out.set(t.model.table, { txn, caughtUp });
    }
    return out;
  }

  /** True once the loop has read the targets' positions and the sink head at least once. */
  get ready(): boolean {
    return this.checked;
  }

  /** The newest sink version this worker committed. */
  get head(): number {
    return this.ownHead;
  }

  /** The newest sink version seen: committed here or found by polling the sink. */
  get sinkHead(): number {
    return Math.max(this.ownHead, this.seenHead);
  }

  /** Lets everyone waiting in progress() go (the worker is stopping). */
  releaseWaiters(): void {
    for (const w of this.progressWaiters.splice(0)) w();
  }

  /** Resolves after the next round (or when the loop ends). */
  progress(): Promise<void> {
    if (this.running === undefined || this.stopping) return Promise.resolve();
    return new Promise((resolve) => this.progressWaiters.push(resolve));
  }

  /** Ends the loop after a last round up to the head this worker committed (drain), or after the current one. */
  async stop(drain: boolean): Promise<void> {
    this.stopping = true;
    this.drain = drain;
    this.wakeUp?.();
    await this.running?.catch(() => undefined);
    if (this.failure !== undefined) throw this.failure;
  }

  private drain = true;
  /** The next wait after a retriable failure; back to retryInitialMs after a merged round. */
  private backoffMs: number;

  private async loop(): Promise<void> {
    let lastPoll = 0;
    try {
      for (;;) {
        if (this.stopping && (!this.drain || this.mergedThrough() >= this.ownHead)) return;
        let head = this.ownHead;
        const now = this.deps.clock();
        if (now - lastPoll >= this.options.pollMs && !this.stopping) {
          lastPoll = now;
          try {
            this.seenHead = Math.max(this.seenHead, await readSinkHead(this.deps.sink));
          } catch (err) {
            // A transient store failure: this poll learns nothing, the next one (pollMs later) tries again.
            if (!isRetriable(err)) throw err;
            this.deps.metrics.batchFailures.inc({ region: this.deps.region, stage: "merge-poll" });
            this.deps.logger.warn("polling the sink head failed; polling again later", {
              error: String(err),
            });
          }
          head = Math.max(head, this.seenHead);
        }
        const outcome = await this.mergeUpTo(head, lastPoll);
        if (outcome !== "idle") continue;
        if (this.stopping) return;
        await this.sleep(this.options.pollMs);
      }
    } catch (err) {
      this.failure = err;
      throw err;
    } finally {
      this.stopping = true;
      this.releaseWaiters();
    }
  }

  /**
   * One merge round up to `head` when behind, retried with backoff while failures are retriable and the loop is not
   * stopping. "again" sends the loop back to its top: a lost commit race, or a stop during the backoff.
   */
  private async mergeUpTo(head: number, lastPoll: number): Promise<"merged" | "idle" | "again"> {
    try {
      return await retryWithinBudget<"merged" | "idle" | "again">(
        async (attempt) => {
          if (attempt > 1) return "again";
          try {
            // Nothing is merged before the consumer group assigned this worker its partitions.
            if (this.owned === undefined) return "idle";
            if (!this.positionsKnown) await this.readPositions();
            if (lastPoll > 0) this.checked = true;
            if (this.mergedThrough() >= head) return "idle";
            await this.round(head);
            return "merged";
          } catch (err) {
            this.positionsKnown = false;
            // A partly committed set of txns: another worker merged one of our partitions meanwhile (it owns it
            // now, or owned it a moment ago); like a lost race, re-read the positions.
            if (!isCommitConflictError(err) && !isTxnsPartlyCommittedError(err)) throw err;
            this.deps.metrics.commitConflicts.inc({ region: this.deps.region, table: "merge" });
            this.deps.logger.info("merge round lost a commit race; starting over", { error: String(err) });
            return "again";
          }
        },
        {
          budgetMs: Number.POSITIVE_INFINITY,
          initialBackoffMs: this.backoffMs,
          maxBackoffMs: this.options.retryMaxMs,
          jitter: false,
          sleep: (ms) => this.sleep(ms),
          stop: () => this.stopping,
          onRetry: (err, _attempt, backoffMs) => {
            this.backoffMs = Math.min(backoffMs * 2, this.options.retryMaxMs);
            this.deps.metrics.batchFailures.inc({ region: this.deps.region, stage: "merge" });
            this.deps.logger.warn("merge round failed; retrying", { error: String(err), backoffMs });
          },
        },
      ).then((outcome) => {
        if (outcome === "merged") this.backoffMs = this.options.retryInitialMs;
        return outcome;
      });
    } catch (err) {
      throw err instanceof RetryExhausted ? err.cause : err;
    }
  }

  /** Waits `ms`, or less when noteSinkVersion() or stop() wakes the loop. */
  private async sleep(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
      this.wakeUp = resolve;
    });
    clearTimeout(timer);
    this.wakeUp = undefined;
  }

  private async readPositions(): Promise<void> {
    const owned = this.owned ?? [];
    const next = new Map<string, TargetPosition>();
    for (const t of this.deps.targets) {
      const snapshot = await loadSnapshot(t.table).catch((err: unknown) => {
        if (err instanceof TableNotFoundError) return undefined;
        throw err;
      });
      for (const [partition, txn] of partitionPositions(snapshot, this.deps.appId, owned)) {
        const key = positionKey(t.model.table, partition);
        const old = this.positions.get(key);
        // What a round learnt (nothing to do up to caughtUp) stays true whatever the txn says.
        next.set(key, { txn, caughtUp: Math.max(txn, old?.caughtUp ?? -1) });
      }
    }
    this.positions = next;
    this.positionsFor = owned;
    this.positionsKnown = true;
  }

  private async round(head: number): Promise<void> {
    const { deps } = this;
    const region = deps.region;
    const started = performance.now();
    let readMs = 0;
    const owned = this.positionsFor;
    const mine = new Set(owned);
    const result = await runMergeRound(
      {
        sink: deps.sink,
        registry: deps.registry,
        targets: deps.targets,
        txnsAt: (to) => mergeTxns(deps.appId, owned, to),
        clock: deps.clock,
        recordsOf: async (from, to) => {
          const { records, missing } = deps.cache.range(from, to);
          const rejected: MergeRejection[] = [];
          for (const [a, b] of missing) {
            const readStart = performance.now();
            const range = await readSinkRange(deps.sink, deps.registry, a, b, { partitions: owned });
            readMs += performance.now() - readStart;
            for (const r of range.records) records.push(r);
            for (const u of range.undecodable)
              rejected.push({
                record: u.record,
                reason: "ENTITY_UNDECODABLE",
                detail: u.error instanceof Error ? u.error.message : String(u.error),
              });
          }
          // Only the owned partitions' records: the other partitions' workspaces are merged by their owners.
          const kept = records.filter((r) => mine.has(r.kafkaPartition));
          const keptRejected = rejected.filter((j) => mine.has(j.record.kafkaPartition));
          const directory = deps.directory;
          if (directory?.isErased === undefined) return { records: kept, rejected: keptRejected };
          const allowed = kept.filter(
            (r) => !directory.isErased?.(workspaceKey(r.workspaceId), r.resourceAri, r.generationWatermark),
          );
          return { records: allowed, rejected: keptRejected };
        },
        deadLetter: (rejections) => this.deadLetter(rejections),
      },
      this.tablePositions(owned),
      head,
      {
        idleAdvanceVersions: this.options.idleAdvanceVersions,
        writeConcurrency: this.options.writeConcurrency,
      },
    );
    for (const [table, r] of result.positions)
      for (const partition of owned) {
        const key = positionKey(table, partition);
        const old = this.positions.get(key) ?? { txn: -1, caughtUp: -1 };
        this.positions.set(key, {
          txn: Math.max(old.txn, r.txn),
          caughtUp: Math.max(old.caughtUp, r.caughtUp),
        });
      }
    const committedAt = deps.clock();
    for (const w of result.writes) {
      if (w.result.status === "committed") deps.metrics.commits.inc({ region, stage: "merge" });
      if (w.result.plans > 1)
        deps.metrics.commitConflicts.inc({ region, table: w.table }, w.result.plans - 1);
    }
    measureFreshness(
      deps.metrics,
      region,
      "merge",
      committedAt,
      result.records.map((r) => r.recordTimestamp.getTime()),
    );
    deps.metrics.countOut("merge", result.records.length, committedAt);
    deps.logger.debug("merge round committed", {
      region,
      to: head,
      records: result.records.length,
      writes: result.writes.length,
      readSinkMs: Math.round(readMs),
      transformMs: Math.round(result.transformMs),
      writeMs: Object.fromEntries(result.writes.map((w) => [w.table, w.ms])),
      totalMs: Math.round(performance.now() - started),
    });
    deps.cache.evictThrough(this.mergedThrough());
    this.releaseWaiters();
  }

  private async deadLetter(rejections: readonly MergeRejection[]): Promise<void> {
    const region = this.deps.region;
    const now = this.deps.clock();
    await writeDeadLetters(
      this.deps.transport,
      region,
      rejections.map((j) => {
        const r = j.record;
        const message: ConsumedMessage = {
          topic: r.kafkaTopic,
          partition: r.kafkaPartition,
          offset: r.kafkaOffset,
          key: workspaceKey(r.workspaceId),
          value: encodeSinkRecord(r),
          headers: {},
          timestamp: r.recordTimestamp.getTime(),
        };
        return { message, reason: j.reason, detail: j.detail };
      }),
      now,
      this.deps.deadLetterPayloads,
    );
    for (const j of rejections) this.deps.metrics.deadLetters.inc({ region, reason: j.reason });
  }
}
