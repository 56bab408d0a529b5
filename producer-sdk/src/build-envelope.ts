// Checks the envelope part of a change (workspace, resource ARI, version, generation) and collects every
// problem as a field path, so that a ValidationError lists them all at once. Pure: no I/O, no clock.
import { isValidAri, parseAri, WORKSPACE_ID_PATTERN, workspaceAriString } from "@facsimile/protocol";
import type { ValidationIssue } from "./errors.js";

/** What every change carries besides the entity value. */
export interface ChangeEnvelope {
  /** The workspace id (the Kafka key), e.g. "ws-42"; its ARI is ari:cloud:platform::workspace/<id>. */
  readonly workspaceId: string;
  /** `ari:cloud:<product>:<workspace-id>:<type>/<id>`; its workspace segment must be `workspaceId`. */
  readonly resourceAri: string;
  /** Monotonic per resource; when absent the producer's hybrid logical clock supplies one. */
  readonly version?: bigint | number;
  /** Deletion generation of the resource or workspace; 0 when absent. */
  readonly generationWatermark?: bigint | number;
}

export interface CheckedEnvelope {
  readonly workspaceId: string;
  readonly workspaceAri: string;
  readonly resourceAri: string;
  readonly version: bigint | undefined;
  readonly generationWatermark: bigint;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function int64(path: string, v: unknown, issues: ValidationIssue[]): bigint | undefined {
  const big =
    typeof v === "bigint" ? v : typeof v === "number" && Number.isSafeInteger(v) ? BigInt(v) : undefined;
  if (big === undefined || big < INT64_MIN || big > INT64_MAX) {
    issues.push({ path, message: "expected an int64 (a bigint or a safe integer number)" });
    return undefined;
  }
  return big;
}

/** Workspace id -> its ARI string, for ids seen before (a producer serves a bounded set of workspaces). */
const workspaceAris = new Map<string, string>();

function workspaceAriOf(workspaceId: unknown): string | undefined {
  if (typeof workspaceId !== "string") return undefined;
  let ari = workspaceAris.get(workspaceId);
  if (ari === undefined) {
    if (!WORKSPACE_ID_PATTERN.test(workspaceId)) return undefined;
    ari = workspaceAriString(workspaceId);
    if (workspaceAris.size >= 100_000) workspaceAris.clear();
    workspaceAris.set(workspaceId, ari);
  }
  return ari;
}

/** True when `ari` is a valid ARI whose workspace segment is `workspaceId` (no parts built). */
function isAriOfWorkspace(ari: string, workspaceId: string): boolean {
  if (!isValidAri(ari)) return false;
  const segment = ari.indexOf(":", 10) + 1; // after "ari:cloud:<product>:"
  return ari.startsWith(workspaceId, segment) && ari.charCodeAt(segment + workspaceId.length) === 0x3a;
}

export function checkEnvelope(change: ChangeEnvelope, issues: ValidationIssue[]): CheckedEnvelope {
  const workspaceAri = workspaceAriOf(change.workspaceId) ?? "";
  if (workspaceAri === "") {
    issues.push({ path: "workspaceId", message: `expected a workspace id matching ${WORKSPACE_ID_PATTERN}` });
  }
  if (typeof change.resourceAri !== "string") {
    issues.push({ path: "resourceAri", message: "expected an ARI string" });
  } else if (workspaceAri === "" || !isAriOfWorkspace(change.resourceAri, change.workspaceId)) {
    // The slow path, for the message: what is wrong with the ARI.
    try {
      const ari = parseAri(change.resourceAri);
      if (workspaceAri !== "" && ari.workspaceId !== change.workspaceId) {
        issues.push({
          path: "resourceAri",
          message: `its workspace segment ${JSON.stringify(ari.workspaceId)} is not the workspace ${JSON.stringify(change.workspaceId)}`,
        });
      }
    } catch (err) {
      issues.push({ path: "resourceAri", message: (err as Error).message });
    }
  }
  const version = change.version === undefined ? undefined : int64("version", change.version, issues);
  const generationWatermark =
    change.generationWatermark === undefined
      ? 0n
      : (int64("generationWatermark", change.generationWatermark, issues) ?? 0n);
  return {
    workspaceId: change.workspaceId,
    workspaceAri,
    resourceAri: change.resourceAri,
    version,
    generationWatermark,
  };
}
