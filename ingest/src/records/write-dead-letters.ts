// Where the dead-letter topic is written: the region's facsimile.<region>.dlq, one message per record ingest
// cannot take (undecodable, unresolvable offload, unknown workspace, rejected by a model), the original key and
// bytes untouched with headers saying why (dead-letter-message.ts). Acknowledged before the caller goes on, so a
// dead letter is never lost: the append stage writes them before its sink commit, the merge stage before it
// advances past the rejected records.
// With `payloads` (what `facsimile ingest` does by default) the original bytes go to the object store instead, under
// `<prefix>/<workspace key>/<sha256>`, and the DLQ message carries a reference to them (DLQ_HEADERS.payload): a
// Kafka topic cannot be edited, an object can be deleted, so an erasure can scrub a workspace's dead letters.
import { type ConsumedMessage, dlqTopic, type OutgoingMessage, type Transport } from "@facsimile/bus";
import { keyProblem, type ObjectStore } from "@facsimile/object-store";
import { sha256Hex } from "@facsimile/protocol";
import type { DeadLetterReason } from "../errors.js";
import { DLQ_HEADERS, deadLetterMessage } from "./dead-letter-message.js";

/** Where dead letters' payloads go instead of the DLQ message (see the file comment). */
export interface DeadLetterPayloads {
  readonly store: ObjectStore;
  /** Key prefix, e.g. `regions/<region>/dead-letters`. */
  readonly prefix: string;
}

/** The folder of a message key: the workspace id when it is a safe key segment, else `_unkeyed`. */
export function deadLetterFolder(key: string | undefined | null): string {
  if (key === undefined || key === null || key === "" || key.includes("/") || key.length > 200)
    return "_unkeyed";
  return keyProblem(key) === undefined ? key : "_unkeyed";
}

export interface DeadLetterEntry {
  readonly message: ConsumedMessage;
  readonly reason: DeadLetterReason;
  readonly detail: string;
}

export async function writeDeadLetters(
  transport: Transport,
  region: string,
  letters: readonly DeadLetterEntry[],
  now: number,
  payloads?: DeadLetterPayloads,
): Promise<void> {
  if (letters.length === 0) return;
  const messages: OutgoingMessage[] = [];
  for (const d of letters) {
    const m = deadLetterMessage(d.message, d.reason, d.detail, now);
    if (payloads === undefined) {
      messages.push(m);
      continue;
    }
    const sha = sha256Hex(d.message.value);
    const key = `${payloads.prefix.replace(/\/+$/, "")}/${deadLetterFolder(d.message.key)}/${sha}`;
    await payloads.store.put(key, d.message.value, { contentType: "application/x-protobuf" });
    messages.push({
      ...m,
      value: new Uint8Array(0),
      headers: {
        ...m.headers,
        [DLQ_HEADERS.payload]: `${payloads.store.url.replace(/\/+$/, "")}/${key}`,
        [DLQ_HEADERS.payloadSha256]: sha,
        [DLQ_HEADERS.payloadBytes]: String(d.message.value.length),
      },
    });
  }
  await transport.produce(dlqTopic(region), messages);
}
