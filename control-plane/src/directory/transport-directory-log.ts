// The directory log on the bus: one compacted, single-partition topic (default `facsimile.directory`) on any
// Transport, Kafka in production. Compaction (unlike deletion) never expires a key by
// time, so the audit trail and the erasure registry are permanent; keys are unique
// (`<workspace>#<seq>#<event id>`), so compaction removes nothing the fold needs. Reading follows the topic through a consumer group of
// its own that never commits (every reader starts from the beginning and sees every event).
import { randomUUID } from "node:crypto";
import {
  type ConsumedMessage,
  type GroupConsumer,
  type Logger,
  silentLogger,
  type Transport,
} from "@facsimile/bus";
import { DirectoryLogError } from "../errors.js";
import { type DirectoryEvent, decodeEvent, encodeEvent } from "./directory-entry.js";
import type { DirectoryLog } from "./directory-log.js";

export const DIRECTORY_TOPIC = "facsimile.directory";

export interface TransportDirectoryLogOptions {
  readonly topic: string;
  /** How long read() waits for the consumer to reach the end of the topic before giving up. */
  readonly readTimeoutMs: number;
  readonly logger: Logger;
}

export const DEFAULT_TRANSPORT_DIRECTORY_LOG_OPTIONS: Readonly<TransportDirectoryLogOptions> = Object.freeze({
  topic: DIRECTORY_TOPIC,
  readTimeoutMs: 60_000,
  logger: silentLogger,
});

export function createTransportDirectoryLog(
  transport: Transport,
  options: Partial<TransportDirectoryLogOptions> = {},
): DirectoryLog {
  const o = { ...DEFAULT_TRANSPORT_DIRECTORY_LOG_OPTIONS, ...options };
  const buffer: { offset: bigint; event: DirectoryEvent }[] = [];
  let next = 0n;
  let consumer: Promise<GroupConsumer> | undefined;
  let failure: unknown;
  let ensured: Promise<void> | undefined;

  const ensureTopic = (): Promise<void> => {
    ensured ??= transport.createTopics([
      { topic: o.topic, partitions: 1, config: { "cleanup.policy": "compact" } },
    ]);
    return ensured;
  };
  const take = (m: ConsumedMessage): void => {
    if (m.offset < next) return;
    next = m.offset + 1n;
    try {
      buffer.push({
        offset: m.offset,
        event: decodeEvent(Buffer.from(m.value).toString("utf8"), `${o.topic}@${m.offset}`),
      });
    } catch (err) {
      o.logger.warn("skipping a malformed directory event", {
        topic: o.topic,
        offset: String(m.offset),
        error: String(err),
      });
    }
  };
  const start = (): Promise<GroupConsumer> => {
    consumer ??= ensureTopic().then(async () => {
      const c = await transport.consume({
        groupId: `facsimile-directory-reader-${randomUUID()}`,
        topics: [o.topic],
        startFrom: "earliest",
        maxWaitMs: 50,
        onBatch: async (batch) => {
          for (const m of batch.messages) take(m);
        },
      });
      c.done.catch((err: unknown) => {
        failure = err;
      });
      return c;
    });
    return consumer;
  };
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

  return {
    url: `${transport.url}/${o.topic}`,
    async append(events) {
      if (events.length === 0) return;
      await ensureTopic();
      try {
        await transport.produce(
          o.topic,
          events.map((e) => ({
            key: `${e.workspaceId}#${e.next.seq}#${e.eventId}`,
            value: Buffer.from(encodeEvent(e), "utf8"),
            partition: 0,
          })),
        );
      } catch (err) {
        throw new DirectoryLogError(
          `cannot append to the directory topic ${o.topic}: ${(err as Error).message}`,
          {
            cause: err,
            context: { topic: o.topic },
          },
        );
      }
    },
    async read(cursor) {
      await start();
      const high = (await transport.latestOffsets(o.topic)).find((p) => p.partition === 0)?.offset ?? 0n;
      const deadline = Date.now() + o.readTimeoutMs;
      while (next < high) {
        if (failure !== undefined)
          throw new DirectoryLogError(`the directory reader of ${o.topic} stopped: ${String(failure)}`, {
            cause: failure,
          });
        if (Date.now() > deadline)
          throw new DirectoryLogError(
            `the directory topic ${o.topic} was not read to offset ${high} within ${o.readTimeoutMs} ms (at ${next})`,
            { context: { topic: o.topic } },
          );
        await sleep(20);
      }
      const events = buffer.filter((b) => b.offset >= cursor).map((b) => b.event);
      return { events, cursor: next > cursor ? next : cursor };
    },
    async close() {
      if (consumer !== undefined) await (await consumer).stop();
    },
  };
}
