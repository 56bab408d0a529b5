// Test support (not part of the public surface): SourceRecords built the way the ingest stage builds them, by
// encoding a plain entity value to protobuf bytes (encodeEntity) and decoding the bytes to a flat row
// (decodeEntityRow), plus realistic entity values. Tests only; nothing here touches DuckDB.
import { createHash } from "node:crypto";
import {
  type AvocadoQuestionInput,
  decodeEntityRow,
  type EntityInputs,
  type EntityName,
  encodeEntity,
  type JiraIssueInput,
  type SchemaRegistry,
} from "@facsimile/schemas";
import type { SourceRecord } from "../source/load-source-rows.js";

export const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

export interface RecordMeta {
  readonly workspace?: string;
  readonly version?: bigint;
  readonly generation?: bigint;
  readonly recordTimestamp?: Date;
  readonly partition?: number;
  readonly offset?: bigint;
}

const DEFAULT_TIME = new Date("2024-03-01T12:00:00.000Z");

/** A live record of `entity` with the given plain value. */
export function entityRecord<E extends EntityName>(
  registry: SchemaRegistry,
  entity: E,
  id: string,
  value: EntityInputs[E],
  meta: RecordMeta = {},
): SourceRecord {
  const info = registry.entity(entity);
  const bytes = encodeEntity(registry, entity, value);
  const workspace = meta.workspace ?? "ws-1";
  return {
    resourceAri: `ari:cloud:test:${workspace}:${entity.toLowerCase()}/${id}`,
    entityType: info.entityType,
    workspaceId: `ari:cloud:platform::workspace/${workspace}`,
    version: meta.version ?? 1n,
    generationWatermark: meta.generation ?? 0n,
    isTombstone: false,
    payloadHash: createHash("sha256").update(bytes).digest("hex"),
    row: decodeEntityRow(registry, info.typeUrl, bytes),
    recordTimestamp: meta.recordTimestamp ?? DEFAULT_TIME,
    kafkaPartition: meta.partition ?? 3,
    kafkaOffset: meta.offset ?? 100n,
  };
}

/** A tombstone of `entity`: no payload, only the key and the workspace. */
export function tombstoneRecord(
  registry: SchemaRegistry,
  entity: EntityName,
  id: string,
  meta: RecordMeta = {},
): SourceRecord {
  const workspace = meta.workspace ?? "ws-1";
  return {
    resourceAri: `ari:cloud:test:${workspace}:${entity.toLowerCase()}/${id}`,
    entityType: registry.entity(entity).entityType,
    workspaceId: `ari:cloud:platform::workspace/${workspace}`,
    version: meta.version ?? 2n,
    generationWatermark: meta.generation ?? 0n,
    isTombstone: true,
    payloadHash: EMPTY_SHA256,
    row: null,
    recordTimestamp: meta.recordTimestamp ?? DEFAULT_TIME,
    kafkaPartition: meta.partition ?? 3,
    kafkaOffset: meta.offset ?? 101n,
  };
}

export function jiraIssue(n: number, overrides: Partial<JiraIssueInput> = {}): JiraIssueInput {
  return {
    issueId: `1000${n}`,
    key: `FAC-${n}`,
    project: "ari:cloud:jira:ws-1:project/10",
    summary: `Issue ${n}`,
    description: n % 2 === 0 ? null : `Description of ${n}`,
    status: "IN_PROGRESS",
    classification: "INTERNAL",
    assignee: n % 3 === 0 ? null : `user-${n}`,
    reporter: "user-0",
    labels: n % 2 === 0 ? [] : ["backend", "p1"],
    fields: [
      { fieldId: "cf-1", name: "Team", value: "Ingest", updatedAt: new Date("2024-02-01T10:00:00.123Z") },
      { fieldId: "cf-2", name: "Estimate", value: null, updatedAt: new Date("2024-02-02T10:00:00.000Z") },
    ],
    voteCount: n,
    watchCount: 9_007_199_254_740_993n,
    createdAt: new Date("2024-01-15T08:30:00.250Z"),
    updatedAt: new Date("2024-02-20T16:45:10.999Z"),
    ...overrides,
  };
}

export function avocadoQuestion(n: number): AvocadoQuestionInput {
  return {
    id: `q-${n}`,
    createdAt: new Date("2023-11-14T22:13:20.123Z"),
    question: `How do I do thing ${n}?`,
    title: `Thing ${n}`,
    updatedAt: new Date("2023-11-15T09:00:00.000Z"),
    author: n % 2 === 0 ? null : `author-${n}`,
    workspace: "ws-1",
    questionAdf: '{"type":"doc"}',
    voteCount: n,
    chosenAnswer: n % 2 === 0,
    isResolved: true,
    classification: "CONFIDENTIAL",
  };
}
