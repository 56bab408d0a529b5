// A workspace's entry in the directory (the system of record of where its data lives and what may be written
// for it) and the audited event that changes it. Plain values, validation and the JSON codec; no I/O.
import { randomUUID } from "node:crypto";
import { REGION_PATTERN } from "@facsimile/lake";
import { InvalidDirectoryEntryError } from "../errors.js";

export const WORKSPACE_STATES = Object.freeze(["ONLINE", "MIGRATING", "ERASING", "ERASED"] as const);
export type WorkspaceState = (typeof WORKSPACE_STATES)[number];

/** One resource erased on its own: records of it below `generation` never come back. */
export interface ErasedResource {
  readonly resourceAri: string;
  /** Records of the resource whose generation_watermark is below this are dropped. */
  readonly generation: string;
}

export interface DirectoryEntry {
  readonly workspaceId: string;
  /** The residency boundary (e.g. "eu"): a migration never leaves it unless told to. */
  readonly realm: string;
  /** Where the workspace's data lives; the first is its home (where producers publish). */
  readonly regions: readonly string[];
  readonly state: WorkspaceState;
  /** Records whose generation_watermark is below it belong to a deleted incarnation; decimal text. */
  readonly deletionGeneration: string;
  /** BYOK key id for the workspace's objects. */
  readonly keyId: string | undefined;
  /** Resources erased on their own (the workspace-level erasure is state ERASED). */
  readonly erasedResources: readonly ErasedResource[];
  /** Changes applied so far: 1 for a new entry, +1 per change. */
  readonly seq: number;
}

/** An audited change: who, when, why, the value before and after. */
export interface DirectoryEvent {
  readonly eventId: string;
  readonly workspaceId: string;
  /** The entry's seq this change was made against (0: the workspace was new). */
  readonly prevSeq: number;
  readonly actor: string;
  /** ms since the epoch. */
  readonly at: number;
  readonly reason: string;
  /** What changed, for the audit trail: "register", "set-regions", "erase", ... */
  readonly action: string;
  readonly previous: DirectoryEntry | null;
  readonly next: DirectoryEntry;
}

const WORKSPACE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const GENERATION = /^(0|[1-9]\d{0,18})$/;

function fail(message: string, context: Readonly<Record<string, unknown>>): never {
  throw new InvalidDirectoryEntryError(message, context);
}

/** Validates an entry; returns it frozen, with regions deduplicated in order. */
export function checkEntry(e: DirectoryEntry): DirectoryEntry {
  const ctx = { workspaceId: e.workspaceId };
  if (typeof e.workspaceId !== "string" || !WORKSPACE_ID.test(e.workspaceId))
    fail(`workspace id ${JSON.stringify(e.workspaceId)} is not ${WORKSPACE_ID.source}`, ctx);
  if (!Array.isArray(e.regions) || e.regions.length === 0)
    fail(`workspace ${e.workspaceId} needs at least one data region`, ctx);
  for (const r of e.regions)
    if (typeof r !== "string" || !REGION_PATTERN.test(r))
      fail(`workspace ${e.workspaceId}: region ${JSON.stringify(r)} is not ${REGION_PATTERN.source}`, ctx);
  if (typeof e.realm !== "string" || !REGION_PATTERN.test(e.realm))
    fail(`workspace ${e.workspaceId}: realm ${JSON.stringify(e.realm)} is not ${REGION_PATTERN.source}`, ctx);
  if (!WORKSPACE_STATES.includes(e.state))
    fail(
      `workspace ${e.workspaceId}: state ${JSON.stringify(e.state)} is not one of ${WORKSPACE_STATES}`,
      ctx,
    );
  if (typeof e.deletionGeneration !== "string" || !GENERATION.test(e.deletionGeneration))
    fail(
      `workspace ${e.workspaceId}: deletionGeneration ${JSON.stringify(e.deletionGeneration)} is not an int64`,
      ctx,
    );
  if (e.keyId !== undefined && (typeof e.keyId !== "string" || e.keyId === ""))
    fail(`workspace ${e.workspaceId}: keyId must be a non-empty string`, ctx);
  if (!Number.isInteger(e.seq) || e.seq < 1)
    fail(`workspace ${e.workspaceId}: seq ${e.seq} is not >= 1`, ctx);
  const erased = (e.erasedResources ?? []).map((r) => {
    if (typeof r?.resourceAri !== "string" || !GENERATION.test(r.generation))
      fail(`workspace ${e.workspaceId}: erased resource ${JSON.stringify(r)} is malformed`, ctx);
    return Object.freeze({ resourceAri: r.resourceAri, generation: r.generation });
  });
  return Object.freeze({
    workspaceId: e.workspaceId,
    realm: e.realm,
    regions: Object.freeze([...new Set(e.regions)]),
    state: e.state,
    deletionGeneration: e.deletionGeneration,
    keyId: e.keyId,
    erasedResources: Object.freeze(erased),
    seq: e.seq,
  });
}

/** A new event changing `previous` (null: a new workspace) into `next` (its seq is set here). */
export function makeEvent(
  previous: DirectoryEntry | null,
  next: Omit<DirectoryEntry, "seq">,
  audit: { readonly actor: string; readonly reason: string; readonly action: string; readonly at: number },
): DirectoryEvent {
  const prevSeq = previous?.seq ?? 0;
  return Object.freeze({
    eventId: randomUUID(),
    workspaceId: next.workspaceId,
    prevSeq,
    actor: audit.actor,
    at: audit.at,
    reason: audit.reason,
    action: audit.action,
    previous,
    next: checkEntry({ ...next, seq: prevSeq + 1 }),
  });
}

export function encodeEvent(event: DirectoryEvent): string {
  return JSON.stringify(event);
}

/** Parses one event; throws InvalidDirectoryEntryError naming what is wrong. */
export function decodeEvent(text: string, source = "directory event"): DirectoryEvent {
  let json: Partial<DirectoryEvent>;
  try {
    json = JSON.parse(text) as Partial<DirectoryEvent>;
  } catch (err) {
    return fail(`${source} is not JSON: ${(err as Error).message}`, { source });
  }
  if (typeof json !== "object" || json === null || typeof json.next !== "object" || json.next === null)
    fail(`${source} has no "next" entry`, { source });
  const next = checkEntry(json.next as DirectoryEntry);
  if (typeof json.eventId !== "string" || typeof json.actor !== "string" || typeof json.at !== "number")
    fail(`${source} lacks eventId, actor or at`, { source, workspaceId: next.workspaceId });
  if (next.seq !== (json.prevSeq ?? -1) + 1)
    fail(`${source}: next.seq ${next.seq} is not prevSeq + 1`, { source, workspaceId: next.workspaceId });
  return Object.freeze({
    eventId: json.eventId,
    workspaceId: next.workspaceId,
    prevSeq: next.seq - 1,
    actor: json.actor,
    at: json.at,
    reason: typeof json.reason === "string" ? json.reason : "",
    action: typeof json.action === "string" ? json.action : "change",
    previous: json.previous == null ? null : checkEntry(json.previous),
    next,
  });
}
