// Where the dead-letter topic is written: the region's facsimile.<region>.dlq, one message per record ingest
// cannot take (undecodable, unresolvable offload, unknown workspace, rejected by a model), the original key and
// bytes untouched with headers saying why (dead-letter-message.ts). Acknowledged before the caller goes on, so a
// dead letter is never lost: the append stage writes them before its sink commit, the merge stage before it
// advances past the rejected records.
import { type ConsumedMessage, dlqTopic, type Transport } from "@facsimile/bus";
import type { DeadLetterReason } from "../errors.js";
import { deadLetterMessage } from "./dead-letter-message.js";

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
): Promise<void> {
  if (letters.length === 0) return;
  await transport.produce(
    dlqTopic(region),
    letters.map((d) => deadLetterMessage(d.message, d.reason, d.detail, now)),
  );
}
