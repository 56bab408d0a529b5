// The hand-written envelope codec against the reference: toBinary/fromBinary with the compiled descriptor set
// (schemas/gen). Byte for byte on random records, both directions, plus malformed input.
import { encodeEntity, loadDefaultRegistry, sizeEntity } from "@facsimile/schemas";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RecordDecodeError } from "../errors.js";
import { decodeRecord } from "./decode-record.js";
import { decodeRecordWithDescriptors, encodeRecordWithDescriptors } from "./descriptor-codec.js";
import { encodeRecord } from "./encode-record.js";
import { EMPTY_SHA256, payloadHash, recordLwwKey, sha256Hex } from "./payload-hash.js";
import type { FacsimileRecord, RecordPayload } from "./record.js";

const registry = loadDefaultRegistry();
const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const ariText = fc
  .tuple(
    fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/),
    fc.stringMatching(/^[a-z0-9]{0,8}$/),
    fc.stringMatching(/^[\x21-\x7e]{1,20}$/),
  )
  .map(([product, ws, id]) => `ari:cloud:${product}:${ws}:thing/${id}`);
const payload: fc.Arbitrary<RecordPayload> = fc.oneof(
  fc.constant({ case: undefined }),
  fc
    .record({ typeUrl: fc.string(), value: fc.uint8Array({ maxLength: 64 }) })
    .map((value) => ({ case: "entity" as const, value })),
  fc
    .record({
      uri: fc.string(),
      sha256: fc.stringMatching(/^[0-9a-f]{0,64}$/),
      sizeBytes: fc.nat(),
      typeUrl: fc.string(),
    })
    .map((value) => ({ case: "offloadPointer" as const, value })),
);
const record: fc.Arbitrary<FacsimileRecord> = fc.record({
  resourceAri: ariText,
  entityType: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  workspaceId: ariText,
  version: int64,
  generationWatermark: int64,
  isTombstone: fc.boolean(),
  payload,
});

describe("FacsimileRecord codec", () => {
  it("writes exactly the bytes of the descriptor-based encoder", () => {
    fc.assert(
      fc.property(record, (r) => {
        expect(encodeRecord(r)).toEqual(encodeRecordWithDescriptors(registry, r));
      }),
      { numRuns: 2000 },
    );
  });

  it("decodes what either encoder wrote back to the same record", () => {
    fc.assert(
      fc.property(record, (r) => {
        const bytes = encodeRecordWithDescriptors(registry, r);
        const fast = decodeRecord(bytes);
        expect(fast).toEqual(decodeRecordWithDescriptors(registry, bytes));
        expect(fast).toEqual(r);
      }),
      { numRuns: 2000 },
    );
  });

  it("carries a real entity as google.protobuf.Any", () => {
    const info = registry.entity("JiraProject");
    const value = encodeEntity(registry, "JiraProject", {
      projectId: "p1",
      key: "FAC",
      name: "Facsimile",
      description: null,
      lead: null,
      projectType: "SOFTWARE",
      issueCount: 3,
      archived: false,
      createdAt: new Date(0),
      updatedAt: new Date(1000),
    });
    const r: FacsimileRecord = {
      resourceAri: "ari:cloud:jira:ws-1:project/p1",
      entityType: info.entityType,
      workspaceId: "ari:cloud:platform::workspace/ws-1",
      version: 7n,
      generationWatermark: 1n,
      isTombstone: false,
      payload: { case: "entity", value: { typeUrl: info.typeUrl, value } },
    };
    const decoded = decodeRecord(encodeRecord(r));
    expect(decoded).toEqual(r);
    // The entity written in place by its SizedEntity: the same bytes as the entity encoded on its own.
    const sized = sizeEntity(registry, "JiraProject", {
      projectId: "p1",
      key: "FAC",
      name: "Facsimile",
      description: null,
      lead: null,
      projectType: "SOFTWARE",
      issueCount: 3,
      archived: false,
      createdAt: new Date(0),
      updatedAt: new Date(1000),
    });
    expect(
      encodeRecord({ ...r, payload: { case: "entity", value: { typeUrl: info.typeUrl, value: sized } } }),
    ).toEqual(encodeRecord(r));
    expect(payloadHash(decoded.payload)).toBe(sha256Hex(value));
  });

  it("skips unknown fields (a newer writer) and keeps the rest", () => {
    const r: FacsimileRecord = {
      resourceAri: "ari:cloud:jira:ws:issue/1",
      entityType: 3,
      workspaceId: "ari:cloud:platform::workspace/ws",
      version: 1n,
      generationWatermark: 0n,
      isTombstone: true,
      payload: { case: undefined },
    };
    const extra = new Uint8Array([0x7a, 0x03, 0x61, 0x62, 0x63]); // field 15, length-delimited "abc"
    const bytes = encodeRecord(r);
    const withExtra = new Uint8Array(bytes.length + extra.length);
    withExtra.set(bytes);
    withExtra.set(extra, bytes.length);
    expect(decodeRecord(withExtra)).toEqual(r);
  });

  it("rejects truncated bytes, wrong wire types and missing or malformed ARIs", () => {
    const good = encodeRecord({
      resourceAri: "ari:cloud:jira:ws:issue/1",
      entityType: 3,
      workspaceId: "ari:cloud:platform::workspace/ws",
      version: 5n,
      generationWatermark: 0n,
      isTombstone: false,
      payload: { case: "entity", value: { typeUrl: "t", value: new Uint8Array([1, 2, 3]) } },
    });
    expect(() => decodeRecord(good.subarray(0, good.length - 2))).toThrow(RecordDecodeError);
    expect(() => decodeRecord(new Uint8Array([0x10, 0x01]))).toThrow("resource_ari is missing");
    expect(() => decodeRecord(new Uint8Array([0x0d, 0, 0, 0, 0]))).toThrow("wire type");
    const badAri = encodeRecord({
      resourceAri: "not-an-ari",
      entityType: 1,
      workspaceId: "ari:cloud:platform::workspace/ws",
      version: 1n,
      generationWatermark: 0n,
      isTombstone: false,
      payload: { case: undefined },
    });
    expect(() => decodeRecord(badAri)).toThrow("is not a valid ARI");
    expect(decodeRecord(badAri, { validateAris: false }).resourceAri).toBe("not-an-ari");
  });

  it("hashes a payload the same inline and offloaded", () => {
    const bytes = new TextEncoder().encode("entity bytes");
    const inline = payloadHash({ case: "entity", value: { typeUrl: "t", value: bytes } });
    const offloaded = payloadHash({
      case: "offloadPointer",
      value: {
        uri: "s3://b/k",
        sha256: sha256Hex(bytes).toUpperCase(),
        sizeBytes: bytes.length,
        typeUrl: "t",
      },
    });
    expect(inline).toBe(offloaded);
    expect(payloadHash({ case: undefined })).toBe(EMPTY_SHA256);
    expect(sha256Hex(new Uint8Array(0))).toBe(EMPTY_SHA256);
    expect(
      recordLwwKey({
        resourceAri: "ari:cloud:jira:ws:issue/1",
        entityType: 1,
        workspaceId: "ari:cloud:platform::workspace/ws",
        version: 3n,
        generationWatermark: 2n,
        isTombstone: true,
        payload: { case: undefined },
      }),
    ).toEqual({ generationWatermark: 2n, version: 3n, isTombstone: true, payloadHash: EMPTY_SHA256 });
  });
});
