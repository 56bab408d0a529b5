// Records a broken producer (or a hostile one) could send, each with the dead-letter reason ingest must give
// it: offload pointers naming keys the store refuses, a resource ARI of another workspace, a workspace id the
// producer would refuse, an entity with every required field missing or with a timestamp outside protobuf's
// range, plus the classic kinds. For the poison-record tests and the fuzz test; builds messages only.
import type { OutgoingMessage } from "@facsimile/bus";
import type { ObjectStore } from "@facsimile/object-store";
import { encodeRecord, type FacsimileRecord, sha256Hex, workspaceAriString } from "@facsimile/protocol";
import { encodeEntity, type JiraProjectInput, type SchemaRegistry } from "@facsimile/schemas";
import type { DeadLetterReason } from "../errors.js";

export interface PoisonRecord {
  /** What is wrong, for test names. */
  readonly kind: string;
  readonly reason: DeadLetterReason;
  readonly message: OutgoingMessage;
}

export function projectValue(name: string): JiraProjectInput {
  return {
    projectId: name,
    key: "K",
    name,
    description: null,
    lead: null,
    projectType: "BUSINESS",
    issueCount: 3,
    archived: false,
    createdAt: new Date(1_767_000_000_000),
    updatedAt: new Date(1_767_000_000_000),
  };
}

/** A JiraProject record of workspace `ws` (resource ARI of `resourceWs`, default the same). */
export function projectRecord(
  registry: SchemaRegistry,
  ws: string,
  id: string,
  payload: FacsimileRecord["payload"] | "inline",
  resourceWs = ws,
): FacsimileRecord {
  const info = registry.entity("JiraProject");
  return {
    resourceAri: `ari:cloud:jira:${resourceWs}:project/${id}`,
    entityType: info.entityType,
    workspaceId: workspaceAriString(ws),
    version: 7n,
    generationWatermark: 0n,
    isTombstone: false,
    payload:
      payload === "inline"
        ? {
            case: "entity",
            value: { typeUrl: info.typeUrl, value: encodeEntity(registry, "JiraProject", projectValue(id)) },
          }
        : payload,
  };
}

/** Protobuf bytes of a google.protobuf.Timestamp with these seconds (field 1, varint). */
function timestampBytes(seconds: bigint): Uint8Array {
  const out: number[] = [0x08];
  let v = seconds;
  do {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v > 0n ? byte | 0x80 : byte);
  } while (v > 0n);
  return Uint8Array.from(out);
}

/** The JiraProject entity bytes with `createdAt` (field of that name) set to a timestamp of year 275760. */
function farFutureProject(registry: SchemaRegistry): Uint8Array {
  const good = encodeEntity(registry, "JiraProject", projectValue("far-future"));
  const field = registry
    .message(registry.entity("JiraProject").messageName)
    .fields.find((f) => f.jsonName === "createdAt");
  if (field === undefined) throw new Error("JiraProject has no createdAt");
  const ts = timestampBytes(8_639_999_000_000n);
  // A later occurrence of a singular message field is merged into the first: this one wins on `seconds`.
  return Uint8Array.from([...good, (field.number << 3) | 2, ts.length, ...ts]);
}

export function poisonRecords(registry: SchemaRegistry, store: ObjectStore, ws: string): PoisonRecord[] {
  const info = registry.entity("JiraProject");
  const message = (record: FacsimileRecord, key = ws): OutgoingMessage => ({
    key,
    value: encodeRecord(record),
  });
  const pointerTo = (key: string): FacsimileRecord["payload"] => ({
    case: "offloadPointer",
    value: {
      uri: `${store.url.replace(/\/+$/, "")}/${key}`,
      sha256: sha256Hex(new Uint8Array(8)),
      sizeBytes: 8,
      typeUrl: info.typeUrl,
    },
  });
  const badKeys: [string, string][] = [
    ["dot-dot", "../x"],
    ["empty segment", "offload/a//b"],
    ["backslash", "offload\\a\\b"],
    ["5000-character name", `offload/${"n".repeat(5000)}`],
  ];
  return [
    ...badKeys.map(([kind, key]) => ({
      kind: `offload pointer with a ${kind} key`,
      reason: "OFFLOAD_MISSING" as const,
      message: message(projectRecord(registry, ws, `bad-key-${kind.length}`, pointerTo(key))),
    })),
    {
      kind: "offload pointer to a missing object",
      reason: "OFFLOAD_MISSING",
      message: message(projectRecord(registry, ws, "missing", pointerTo(`offload/${ws}/ab/nothing-here`))),
    },
    {
      kind: "resource ARI of another workspace",
      reason: "INVALID_ENVELOPE",
      message: message(projectRecord(registry, ws, "foreign", "inline", "ws-someone-else")),
    },
    {
      kind: "workspace id the producer refuses",
      reason: "INVALID_ENVELOPE",
      message: message(projectRecord(registry, "ws~odd", "odd", "inline", ws), "ws~odd"),
    },
    {
      kind: "entity with every required field missing",
      reason: "INVALID_ENTITY",
      message: message(
        projectRecord(registry, ws, "empty", {
          case: "entity",
          value: { typeUrl: info.typeUrl, value: new Uint8Array(0) },
        }),
      ),
    },
    {
      kind: "timestamp of year 275760",
      reason: "INVALID_ENTITY",
      message: message(
        projectRecord(registry, ws, "far-future", {
          case: "entity",
          value: { typeUrl: info.typeUrl, value: farFutureProject(registry) },
        }),
      ),
    },
    {
      kind: "bytes that are not a record",
      reason: "UNDECODABLE",
      message: { key: ws, value: new Uint8Array([0xff, 0xff, 0xff, 0x01]) },
    },
    {
      kind: "entity bytes that do not decode",
      reason: "ENTITY_UNDECODABLE",
      message: message(
        projectRecord(registry, ws, "garbled", {
          case: "entity",
          value: { typeUrl: info.typeUrl, value: new Uint8Array([0x0a, 0x05, 0x61]) },
        }),
      ),
    },
  ];
}
