// Executes the side effects of a batch plan that happen before the sink commit: dead letters to the region's DLQ
// topic, re-routes to the topics of the regions the workspaces live in now, and replicas to the other data regions
// of a workspace with a region set. Both are durable (acknowledged)
// before the sink commit advances the partitions' txns, so a crash between the two repeats them (at least once:
// a re-routed record is an LWW record, so a repeat is harmless) and never loses them. A region without a records
// topic on this transport cannot take re-routes: those records are dropped and reported, not retried forever.
import { type OutgoingMessage, recordsTopic, type Transport } from "@facsimile/bus";
import type { BatchPlan, Reroute } from "./classify-messages.js";
import { replicaMessage, rerouteMessage } from "./dead-letter-message.js";
import { type DeadLetterPayloads, writeDeadLetters } from "./write-dead-letters.js";

export interface SideEffectResult {
  readonly deadLetters: number;
  /** Re-routed messages per target region. */
  readonly rerouted: ReadonlyMap<string, number>;
  /** Replicas sent to the other data regions of a workspace, per target region. */
  readonly replicated: ReadonlyMap<string, number>;
  /** Messages whose region has no records topic here: dropped (counted as wrong_region) rather than stuck. */
  readonly unroutable: ReadonlyMap<string, number>;
}

export async function routeSideEffects(
  transport: Transport,
  region: string,
  plan: Pick<BatchPlan, "deadLetters" | "reroutes" | "replicas">,
  now: number,
  payloads?: DeadLetterPayloads,
): Promise<SideEffectResult> {
  await writeDeadLetters(transport, region, plan.deadLetters, now, payloads);
  const unroutable = new Map<string, number>();
  const send = async (
    list: readonly Reroute[],
    make: typeof rerouteMessage,
  ): Promise<Map<string, number>> => {
    const byRegion = new Map<string, OutgoingMessage[]>();
    for (const r of list) {
      const messages = byRegion.get(r.region);
      const message = make(r.message, region);
      if (messages === undefined) byRegion.set(r.region, [message]);
      else messages.push(message);
    }
    const sent = new Map<string, number>();
    for (const [target, messages] of byRegion) {
      try {
        await transport.produce(recordsTopic(target), messages);
        sent.set(target, messages.length);
      } catch (err) {
        if ((err as { code?: unknown }).code !== "UNKNOWN_TOPIC") throw err;
        unroutable.set(target, (unroutable.get(target) ?? 0) + messages.length);
      }
    }
    return sent;
  };
  const rerouted = await send(plan.reroutes, rerouteMessage);
  const replicated = await send(plan.replicas ?? [], replicaMessage);
  return { deadLetters: plan.deadLetters.length, rerouted, replicated, unroutable };
}
