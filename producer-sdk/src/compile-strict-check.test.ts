// The producer's hot-path validation against the generated zod validators, value by value: a good JiraIssue and
// ConfluencePage with one field at a time set to each of a range of wrong (or odd) values. The producer must refuse
// a value exactly when zod or the encoder refuses it. An in-memory transport acknowledges what gets through.
import type { OutgoingMessage, PartitionAppend, Transport } from "@facsimile/bus";
import { LocalObjectStore } from "@facsimile/object-store";
import { createStaticWorkspaceDirectory } from "@facsimile/protocol";
import {
  type ConfluencePageInput,
  encodeEntity,
  type JiraIssueInput,
  loadDefaultRegistry,
  validators,
} from "@facsimile/schemas";
import { describe, expect, it } from "vitest";
import { createProducer } from "./create-producer.js";
import { ValidationError } from "./errors.js";

const registry = loadDefaultRegistry();

function ackingTransport(): Transport {
  let offset = 0n;
  return {
    url: "memory://",
    partitionCount: async () => 1,
    produce: async (topic: string, messages: readonly OutgoingMessage[]): Promise<PartitionAppend[]> => {
      const baseOffset = offset;
      offset += BigInt(messages.length);
      return [{ topic, partition: 0, baseOffset, count: messages.length }];
    },
  } as unknown as Transport;
}

const issue: JiraIssueInput = {
  issueId: "1",
  key: "FAC-1",
  project: "ari:cloud:jira:ws-1:project/p1",
  summary: "s",
  description: null,
  status: "DONE",
  classification: "PUBLIC",
  assignee: null,
  reporter: "ada",
  labels: ["a"],
  fields: [{ fieldId: "f", name: "n", value: null, updatedAt: new Date(1_700_000_000_000) }],
  voteCount: 1,
  watchCount: 2n,
  storyPoints: 1.5,
  createdAt: new Date(1_700_000_000_000),
  updatedAt: new Date(1_700_000_000_000),
};

const page: ConfluencePageInput = {
  pageId: "p",
  spaceKey: "ENG",
  title: "t",
  body: "b",
  status: "CURRENT",
  classification: "PUBLIC",
  parentPageId: null,
  ancestorIds: [],
  labels: [],
  version: { number: 3n, authorId: null, message: null, createdAt: new Date(1_700_000_000_000) },
  linkedIssues: ["ari:cloud:jira:ws-1:issue/1"],
  wordCount: 2,
  hasInlineComments: true,
  createdAt: new Date(1_700_000_000_000),
  updatedAt: new Date(1_700_000_000_000),
};

const ODD: readonly unknown[] = [
  undefined,
  null,
  0,
  -1,
  1.5,
  2 ** 31,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  10n,
  2n ** 64n,
  "",
  "x",
  "DONE",
  "ari:cloud:jira:ws-1:issue/1",
  true,
  [],
  ["a"],
  [1],
  {},
  new Date(Number.NaN),
  new Date(0),
];

/** Every value with one field (top level, or inside the first nested object) replaced by each odd value. */
function variants(value: object): object[] {
  const out: object[] = [];
  const base = value as Record<string, unknown>;
  for (const key of [...Object.keys(base), "unknownKey"]) {
    for (const odd of ODD) out.push({ ...base, [key]: odd });
    const nested = base[key];
    const inner = Array.isArray(nested) ? nested[0] : nested;
    if (typeof inner === "object" && inner !== null && !(inner instanceof Date)) {
      for (const innerKey of [...Object.keys(inner), "unknownKey"]) {
        for (const odd of ODD) {
          const changed = { ...inner, [innerKey]: odd };
          out.push({ ...base, [key]: Array.isArray(nested) ? [changed] : changed });
        }
      }
    }
  }
  return out;
}

describe("the producer's validation", () => {
  it.each([
    ["JiraIssue", issue],
    ["ConfluencePage", page],
  ] as const)("refuses a %s value exactly when zod or the encoder refuses it", async (entity, good) => {
    const producer = createProducer({
      transport: ackingTransport(),
      store: new LocalObjectStore("/nonexistent-store-never-written", { durable: false }),
      directory: createStaticWorkspaceDirectory({ "ws-1": "eu" }),
      registry,
    });
    let refused = 0;
    for (const value of variants(good)) {
      let expected = !validators[entity].safeParse(value).success;
      if (!expected) {
        try {
          encodeEntity(registry, entity, value as JiraIssueInput);
        } catch {
          expected = true;
        }
      }
      const got = await producer
        .publish(entity, { workspaceId: "ws-1", resourceAri: "ari:cloud:jira:ws-1:issue/1", value } as never)
        .then(
          () => false,
          (err: unknown) => {
            expect(err).toBeInstanceOf(ValidationError);
            return true;
          },
        );
      expect({ value, refused: got }).toEqual({ value, refused: expected });
      if (got) refused++;
    }
    // The variants are mostly wrong values: the comparison saw both verdicts many times.
    expect(refused).toBeGreaterThan(100);
    await producer.close();
  });
});
