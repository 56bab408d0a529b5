// The CRDT promise end to end on real envelopes: records of one resource are encoded, delivered in any order
// with any duplication, decoded, and folded by their LWW keys; every delivery converges to the same winner,
// and that winner is the greatest record by (generation, version, tombstone, payload hash).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeRecord } from "../envelope/decode-record.js";
import { encodeRecord } from "../envelope/encode-record.js";
import { recordLwwKey, sha256Hex } from "../envelope/payload-hash.js";
import type { FacsimileRecord, RecordPayload } from "../envelope/record.js";
import { compareLww, lwwWinner } from "./last-writer-wins.js";

const bodies = ["alpha", "beta", "gamma"].map((s) => new TextEncoder().encode(s));
const payload: fc.Arbitrary<RecordPayload> = fc.oneof(
  fc.constant({ case: undefined }),
  fc.constantFrom(...bodies).map((value) => ({ case: "entity" as const, value: { typeUrl: "t", value } })),
  fc.constantFrom(...bodies).map((b) => ({
    case: "offloadPointer" as const,
    value: { uri: `s3://b/${sha256Hex(b)}`, sha256: sha256Hex(b), sizeBytes: b.length, typeUrl: "t" },
  })),
);
const change: fc.Arbitrary<FacsimileRecord> = fc.record({
  resourceAri: fc.constant("ari:cloud:jira:ws:issue/1"),
  entityType: fc.constant(3),
  workspaceId: fc.constant("ari:cloud:platform::workspace/ws"),
  version: fc.bigInt({ min: 0n, max: 3n }),
  generationWatermark: fc.bigInt({ min: 0n, max: 1n }),
  isTombstone: fc.boolean(),
  payload,
});

describe("last-writer-wins over encoded records", () => {
  it("converges to the same winner for every delivery order and duplication", () => {
    fc.assert(
      fc.property(
        fc.array(change, { minLength: 1, maxLength: 12 }),
        fc.array(fc.nat({ max: 11 }), { minLength: 1, maxLength: 40 }),
        fc.array(fc.nat({ max: 11 }), { minLength: 1, maxLength: 40 }),
        (records, orderA, orderB) => {
          const wire = records.map(encodeRecord);
          // Two deliveries: every record at least once, then arbitrary duplicates in arbitrary order.
          const deliver = (extra: number[]) =>
            [...wire.keys(), ...extra.map((i) => i % wire.length)].reverse();
          const winnerOf = (order: number[]) =>
            lwwWinner(
              order.map((i) => decodeRecord(wire[i] as Uint8Array)),
              recordLwwKey,
            ) as FacsimileRecord;
          const a = winnerOf(deliver(orderA));
          const b = winnerOf(deliver(orderB).reverse());
          expect(recordLwwKey(a)).toEqual(recordLwwKey(b));
          for (const r of records)
            expect(compareLww(recordLwwKey(a), recordLwwKey(r))).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 500 },
    );
  });
});
