// The records of the producer-throughput benchmark: JiraIssue changes of three sizes spread over 50 workspaces
// (small ~200 B, typical ~1 KiB, large ~100 KiB encoded, the last below the offload threshold), and the
// envelope bytes the SDK would write for each, which the raw-client baseline sends as they are.
import { encodeRecord, workspaceAriString } from "@facsimile/protocol";
import { type JiraIssueInput, loadDefaultRegistry, sizeEntity } from "@facsimile/schemas";

export type RecordSize = "small" | "typical" | "large";
export const RECORD_SIZES: readonly RecordSize[] = Object.freeze(["small", "typical", "large"]);

export interface IssueChange {
  readonly workspaceId: string;
  readonly resourceAri: string;
  readonly value: JiraIssueInput;
}

export interface Workload {
  readonly size: RecordSize;
  readonly changes: readonly IssueChange[];
  /** The envelope bytes of each change (what goes to Kafka), for the raw client. */
  readonly encoded: readonly Uint8Array[];
  readonly meanRecordBytes: number;
}

const registry = loadDefaultRegistry();
const EPOCH = 1_700_000_000_000;

function issue(size: RecordSize, i: number, ws: string): JiraIssueInput {
  const base: JiraIssueInput = {
    issueId: String(i),
    key: `FAC-${i}`,
    project: `ari:cloud:jira:${ws}:project/p1`,
    summary:
      size === "small" ? `Issue ${i}` : `A summary of issue ${i} that is about as long as real ones are`,
    description: null,
    status: "IN_PROGRESS",
    classification: "INTERNAL",
    assignee: "ada",
    reporter: size === "small" ? null : "grace",
    labels: size === "small" ? [] : ["bus", "producer", "throughput"],
    fields: [],
    voteCount: i % 7,
    watchCount: i % 11,
    createdAt: new Date(EPOCH),
    updatedAt: new Date(EPOCH + i),
  };
  if (size === "small") return base;
  const fields = Array.from({ length: 8 }, (_, f) => ({
    fieldId: `customfield_${10_000 + f}`,
    name: `Custom field ${f}`,
    value: f % 3 === 0 ? null : `value ${f} of issue ${i}`,
    updatedAt: new Date(EPOCH + f),
  }));
  const paragraph = "Steps to reproduce: publish, consume, compare. Expected: equal. Actual: equal. ";
  const descriptionBytes = size === "typical" ? 320 : 100 * 1024;
  return {
    ...base,
    description: paragraph.repeat(Math.ceil(descriptionBytes / paragraph.length)).slice(0, descriptionBytes),
    fields,
    storyPoints: 3,
  };
}

/** `count` changes of one size over `workspaces` workspaces (ws-0 .. ws-N-1), round robin. */
export function buildWorkload(size: RecordSize, count: number, workspaces: number): Workload {
  const info = registry.entity("JiraIssue");
  const changes: IssueChange[] = [];
  const encoded: Uint8Array[] = [];
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const workspaceId = `ws-${i % workspaces}`;
    const change = {
      workspaceId,
      resourceAri: `ari:cloud:jira:${workspaceId}:issue/${100_000 + i}`,
      value: issue(size, i, workspaceId),
    };
    changes.push(change);
    const value = encodeRecord({
      resourceAri: change.resourceAri,
      entityType: info.entityType,
      workspaceId: workspaceAriString(workspaceId),
      version: 112_000_000_000_000_000n + BigInt(i),
      generationWatermark: 0n,
      isTombstone: false,
      payload: {
        case: "entity",
        value: { typeUrl: info.typeUrl, value: sizeEntity(registry, "JiraIssue", change.value) },
      },
    });
    encoded.push(value);
    bytes += value.length;
  }
  return { size, changes, encoded, meanRecordBytes: count === 0 ? 0 : bytes / count };
}
