// Splits one produce call into Kafka requests that stay under the broker's batch size limit: per partition,
// consecutive chunks of at most `maxRequestBytes` (a single larger message goes alone); round r holds chunk r of
// every partition, and rounds are sent one after another, so the order within each partition is kept. Pure.
import { isIntegerInRange } from "@facsimile/core";
import { TransportError } from "../../errors.js";
import { partitionForKey } from "../partition-for-key.js";
import type { OutgoingMessage } from "../types.js";

export interface PlannedChunk {
  readonly partition: number;
  readonly messages: readonly OutgoingMessage[];
}

/** Upper estimate of a message's bytes on the wire before compression. */
export function messageBytes(m: OutgoingMessage): number {
  let n = m.value.length + m.key.length * 3 + 64;
  const headers = m.headers;
  if (headers !== undefined) for (const k in headers) n += (k.length + (headers[k]?.length ?? 0)) * 3 + 8;
  return n;
}

export function planProduceRounds(
  topic: string,
  messages: readonly OutgoingMessage[],
  partitions: number,
  maxRequestBytes: number,
): PlannedChunk[][] {
  const chunks = new Map<number, { messages: OutgoingMessage[]; bytes: number }[]>();
  for (const m of messages) {
    const p = m.partition ?? partitionForKey(m.key, partitions);
    if (!isIntegerInRange(p, { min: 0, max: partitions - 1 })) {
      throw new TransportError("INVALID_PARTITION", `topic ${topic} has no partition ${p}`, {
        context: { topic, partition: p, partitions },
      });
    }
    const list = chunks.get(p) ?? [];
    chunks.set(p, list);
    const size = messageBytes(m);
    const current = list.at(-1);
    if (current === undefined || current.bytes + size > maxRequestBytes)
      list.push({ messages: [m], bytes: size });
    else {
      current.messages.push(m);
      current.bytes += size;
    }
  }
  const rounds: PlannedChunk[][] = [];
  for (const [partition, list] of chunks) {
    list.forEach((chunk, r) => {
      const round = rounds[r] ?? [];
      rounds[r] = round;
      round.push({ partition, messages: chunk.messages });
    });
  }
  return rounds;
}
