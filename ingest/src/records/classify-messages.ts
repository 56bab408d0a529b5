// Step 1 and 2 of a micro-batch: decode every new message through the bus decode API (offloaded payloads are
// fetched and verified) and decide what becomes of it: accepted for the sink, dead-lettered with a reason,
// re-routed to the region its workspace lives in now, or dropped (counted). Ingest checks the envelope and the
// entity itself (validate-record.ts): what only the producer checked is not trusted. The result is a plain plan; this
// module never produces, commits or writes. Store or broker trouble is not a record's fault: it throws a
// retriable error instead of dead-lettering good records.
import type { ConsumedMessage } from "@facsimile/bus";
import type { DecodedRecord, RecordDecoder } from "@facsimile/protocol";
import { decodeRecord, workspaceKey } from "@facsimile/protocol";
import { decodeEntityRowChecked, type FlatRow, type SchemaRegistry } from "@facsimile/schemas";
import type { IngestDirectory } from "../directory/ingest-directory.js";
import type { DeadLetterReason, DropReason } from "../errors.js";
import { REPLICA_FROM_HEADER } from "./dead-letter-message.js";
import { entityProblem, envelopeProblem } from "./validate-record.js";

/** A record that goes to the sink: its message, the decoded envelope and payload, and its flat entity row. */
export interface AcceptedRecord {
  readonly message: ConsumedMessage;
  readonly decoded: DecodedRecord;
  /** The bare workspace id (the Kafka key of the workspace). */
  readonly workspaceId: string;
  /** Flat entity columns (decodeEntityRow); undefined for a tombstone without payload. */
  readonly row: FlatRow | undefined;
}

export interface DeadLetter {
  readonly message: ConsumedMessage;
  readonly reason: DeadLetterReason;
  readonly detail: string;
}

export interface Reroute {
  readonly message: ConsumedMessage;
  readonly region: string;
}

export interface Drop {
  readonly message: ConsumedMessage;
  readonly reason: DropReason;
}

export interface BatchPlan {
  readonly accepted: readonly AcceptedRecord[];
  readonly deadLetters: readonly DeadLetter[];
  readonly reroutes: readonly Reroute[];
  readonly drops: readonly Drop[];
  /**
   * Copies of accepted records for the other data regions of their workspace (a region set): a record that came
   * straight from a producer (not itself a replica) is replicated by the first region of the set that takes it.
   */
  readonly replicas?: readonly Reroute[];
}

export interface ClassifyOptions {
  /** What becomes of a record whose workspace lives in another region. */
  readonly wrongRegion: "reroute" | "drop";
  /** What becomes of a record whose workspace the directory does not know. */
  readonly unknownWorkspace: "dead-letter" | "accept";
  /** Messages decoded at once (bounds concurrent offload fetches). */
  readonly decodeConcurrency: number;
}

export const DEFAULT_CLASSIFY_OPTIONS: Readonly<ClassifyOptions> = Object.freeze({
  wrongRegion: "reroute",
  unknownWorkspace: "dead-letter",
  decodeConcurrency: 32,
});

export interface ClassifyDeps {
  readonly region: string;
  readonly decoder: RecordDecoder;
  readonly registry: SchemaRegistry;
  /** No directory: every workspace is taken as living in this region, never deleted. */
  readonly directory: IngestDirectory | undefined;
}

const DECODER_REASONS: Readonly<Record<string, DeadLetterReason>> = Object.freeze({
  RECORD_DECODE: "UNDECODABLE",
  INVALID_ARI: "UNDECODABLE",
  UNKNOWN_ENTITY: "UNKNOWN_ENTITY",
  OFFLOAD_UNRESOLVABLE: "OFFLOAD_MISSING",
  OFFLOAD_INTEGRITY: "OFFLOAD_CORRUPT",
  // A pointer naming a key the store refuses, should a store refuse one the decoder let through.
  INVALID_OBJECT_KEY: "OFFLOAD_MISSING",
});

type Outcome =
  | { readonly kind: "accept"; readonly record: AcceptedRecord }
  | { readonly kind: "dead-letter"; readonly letter: DeadLetter }
  | { readonly kind: "reroute"; readonly reroute: Reroute }
  | { readonly kind: "drop"; readonly drop: Drop };

function deadLetter(message: ConsumedMessage, reason: DeadLetterReason, err: unknown): Outcome {
  const detail = err instanceof Error ? err.message : String(err);
  return { kind: "dead-letter", letter: { message, reason, detail } };
}

async function classifyOne(
  deps: ClassifyDeps,
  o: ClassifyOptions,
  message: ConsumedMessage,
): Promise<Outcome> {
  let decoded: DecodedRecord;
  let workspaceId: string;
  try {
    decoded = await deps.decoder.decode(message.value);
    workspaceId = workspaceKey(decoded.envelope.workspaceId);
  } catch (err) {
    const reason = DECODER_REASONS[(err as { code?: string }).code ?? ""];
    if (reason === undefined) throw err;
    // An erased workspace's offloaded payloads are gone on purpose: its late records are dropped, not dead letters.
    if (reason === "OFFLOAD_MISSING" && erasedEnvelope(deps, message))
      return { kind: "drop", drop: { message, reason: "erased" } };
    return deadLetter(message, reason, err);
  }
  const envelope = decoded.envelope;
  // An erased workspace's records are dropped before anything else, so none of them reaches the dead-letter topic.
  if (deps.directory?.isErased?.(workspaceId, envelope.resourceAri, envelope.generationWatermark) === true)
    return { kind: "drop", drop: { message, reason: "erased" } };
  const badEnvelope = envelopeProblem(decoded, workspaceId);
  if (badEnvelope !== undefined) return deadLetter(message, badEnvelope.reason, badEnvelope.detail);
  if (deps.directory !== undefined) {
    const home = deps.directory.regionOf(workspaceId);
    const regions = deps.directory.regionsOf?.(workspaceId);
    if (home === undefined) {
      if (o.unknownWorkspace === "dead-letter")
        return deadLetter(message, "UNKNOWN_WORKSPACE", `workspace ${workspaceId} is not in the directory`);
    } else if (home !== deps.region && !(regions?.includes(deps.region) ?? false)) {
      return o.wrongRegion === "reroute"
        ? { kind: "reroute", reroute: { message, region: home } }
        : { kind: "drop", drop: { message, reason: "wrong_region" } };
    }
    const deleted = deps.directory.deletionGenerationOf(workspaceId);
    if (deleted !== undefined && envelope.generationWatermark < deleted)
      return { kind: "drop", drop: { message, reason: "below_deletion_generation" } };
  }
  let row: FlatRow | undefined;
  if (decoded.payload !== undefined) {
    let certainlyValid: boolean;
    try {
      ({ row, certainlyValid } = decodeEntityRowChecked(
        deps.registry,
        decoded.entity.typeUrl,
        decoded.payload,
      ));
    } catch (err) {
      return deadLetter(message, "ENTITY_UNDECODABLE", err);
    }
    // The quick check of the decoded message passes nearly every record; the rest get the full check's verdict.
    const badEntity = certainlyValid ? undefined : entityProblem(deps.registry, decoded);
    if (badEntity !== undefined) return deadLetter(message, badEntity.reason, badEntity.detail);
  } else if (!envelope.isTombstone) {
    return deadLetter(message, "ENTITY_UNDECODABLE", "a record without payload must be a tombstone");
  }
  return { kind: "accept", record: { message, decoded, workspaceId, row } };
}

function erasedEnvelope(deps: ClassifyDeps, message: ConsumedMessage): boolean {
  if (deps.directory?.isErased === undefined) return false;
  try {
    const e = decodeRecord(message.value);
    return deps.directory.isErased(workspaceKey(e.workspaceId), e.resourceAri, e.generationWatermark);
  } catch {
    return false;
  }
}

/** Classifies `messages` (in order); throws only for failures that are not the record's fault. */
export async function classifyMessages(
  deps: ClassifyDeps,
  messages: readonly ConsumedMessage[],
  options: Partial<ClassifyOptions> = {},
): Promise<BatchPlan> {
  const o = { ...DEFAULT_CLASSIFY_OPTIONS, ...options };
  const outcomes: Outcome[] = new Array(messages.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < messages.length) {
      const i = next++;
      outcomes[i] = await classifyOne(deps, o, messages[i] as ConsumedMessage);
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.decodeConcurrency, messages.length) }, worker));
  const plan = {
    accepted: [] as AcceptedRecord[],
    deadLetters: [] as DeadLetter[],
    reroutes: [] as Reroute[],
  };
  const drops: Drop[] = [];
  for (const out of outcomes) {
    if (out.kind === "accept") plan.accepted.push(out.record);
    else if (out.kind === "dead-letter") plan.deadLetters.push(out.letter);
    else if (out.kind === "reroute") plan.reroutes.push(out.reroute);
    else drops.push(out.drop);
  }
  return { ...plan, drops, replicas: replicasOf(deps, plan.accepted) };
}

function replicasOf(deps: ClassifyDeps, accepted: readonly AcceptedRecord[]): Reroute[] {
  const replicas: Reroute[] = [];
  if (deps.directory?.regionsOf === undefined) return replicas;
  for (const r of accepted) {
    if (r.message.headers?.[REPLICA_FROM_HEADER] !== undefined) continue;
    for (const region of deps.directory.regionsOf(r.workspaceId) ?? [])
      if (region !== deps.region) replicas.push({ message: r.message, region });
  }
  return replicas;
}
