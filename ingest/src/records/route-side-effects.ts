// Executes the side effects of a batch plan that happen before the sink commit: dead letters to the region's DLQ
// topic and re-routes to the topics of the regions the workspaces live in now. Both are durable (acknowledged)
// before the sink commit advances the partitions' txns, so a crash between the two repeats them (at least once:
// a re-routed record is an LWW record, so a repeat is harmless) and never loses them. A region without a records
// topic on this transport cannot take re-routes: those records are dropped and reported, not retried forever.
import { type OutgoingMessage, recordsTopic, type Transport } from "@facsimile/bus";
import type { BatchPlan } from "./classify-messages.js";
import { rerouteMessage } from "./dead-letter-message.js";
import { writeDeadLetters } from "./write-dead-letters.js";

export interface SideEffectResult {
  readonly deadLetters: number;
  /** Re-routed messages per target region. */
  readonly rerouted: ReadonlyMap<string, number>;
  /** Messages whose region has no records topic here: dropped (counted as wrong_region) rather than stuck. */
  readonly unroutable: ReadonlyMap<string, number>;
}

export async function routeSideEffects(
  transport: Transport,
  region: string,
  plan: Pick<BatchPlan, "deadLetters" | "reroutes">,
  now: number,
): Promise<SideEffectResult> {
  await writeDeadLetters(transport, region, plan.deadLetters, now);
  const byRegion = new Map<string, OutgoingMessage[]>();
  for (const r of plan.reroutes) {
    const list = byRegion.get(r.region);
    const message = rerouteMessage(r.message, region);
    if (list === undefined) byRegion.set(r.region, [message]);
    else list.push(message);
  }
  const rerouted = new Map<string, number>();
  const unroutable = new Map<string, number>();
  for (const [target, messages] of byRegion) {
    try {
      await transport.produce(recordsTopic(target), messages);
      rerouted.set(target, messages.length);
    } catch (err) {
      if ((err as { code?: unknown }).code !== "UNKNOWN_TOPIC") throw err;
      unroutable.set(target, messages.length);
    }
  }
  return { deadLetters: plan.deadLetters.length, rerouted, unroutable };
}
