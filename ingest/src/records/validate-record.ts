// Ingest's own check of a decoded record, because ingest must not trust what only the producer checks: the
// envelope against the ARI rules (the workspace id is one the producer would accept, even when no directory is
// configured; the resource ARI belongs to the record's workspace) and the entity against its schema in the
// registry (every required field present, enums set, ARIs and timestamps valid), by building the entity message
// back from its decoded value with the same rules the producer's encoder applies. Pure: returns the problem.
import { type DecodedRecord, tryParseAri, WORKSPACE_ID_PATTERN } from "@facsimile/protocol";
import { decodeEntity, type SchemaRegistry, toEntityMessage } from "@facsimile/schemas";
import type { DeadLetterReason } from "../errors.js";

export interface RecordProblem {
  readonly reason: Extract<DeadLetterReason, "INVALID_ENVELOPE" | "INVALID_ENTITY">;
  readonly detail: string;
}

/** What is wrong with the envelope of a record of `workspaceId` (its bare id), or undefined. */
export function envelopeProblem(decoded: DecodedRecord, workspaceId: string): RecordProblem | undefined {
  if (!WORKSPACE_ID_PATTERN.test(workspaceId))
    return {
      reason: "INVALID_ENVELOPE",
      detail: `workspace id ${JSON.stringify(workspaceId.slice(0, 200))} does not match ${WORKSPACE_ID_PATTERN}`,
    };
  const resource = tryParseAri(decoded.envelope.resourceAri);
  if (resource === undefined)
    return { reason: "INVALID_ENVELOPE", detail: "resource_ari is not a valid ARI" };
  if (resource.workspaceId !== workspaceId)
    return {
      reason: "INVALID_ENVELOPE",
      detail:
        `resource_ari ${JSON.stringify(decoded.envelope.resourceAri.slice(0, 300))} belongs to workspace ` +
        `${JSON.stringify(resource.workspaceId)}, not to the record's workspace ${JSON.stringify(workspaceId)}`,
    };
  return undefined;
}

/** What is wrong with the entity payload against its schema, or undefined (a payload-less record: nothing). */
export function entityProblem(registry: SchemaRegistry, decoded: DecodedRecord): RecordProblem | undefined {
  if (decoded.payload === undefined) return undefined;
  try {
    const value = decoded.value ?? decodeEntity(registry, decoded.entity.typeUrl, decoded.payload);
    toEntityMessage(registry, decoded.entity.typeUrl, value);
    return undefined;
  } catch (err) {
    return { reason: "INVALID_ENTITY", detail: err instanceof Error ? err.message : String(err) };
  }
}
