// Property: the writers' SQL order (lwwOrder, run in DuckDB) ranks any rows exactly as the one LWW rule, compareLww
// of @facsimile/protocol, does: generation, version, tombstone over update, payload hash. Small value ranges and a
// small hash alphabet make ties on every part frequent; rows with equal keys keep their id order on both sides.
import { compareLww, type LwwKey } from "@facsimile/protocol";
import fc from "fast-check";
import { afterAll, beforeAll, expect, it } from "vitest";
import { quoteLiteral } from "../io/sql-text.js";
import { type TempLake, tempLake } from "../testing/temp-lake.js";
import { lwwOrder } from "./last-writer-wins-order.js";

let lake: TempLake;
beforeAll(async () => {
  lake = await tempLake(1);
});
afterAll(async () => {
  await lake.close();
});

const key: fc.Arbitrary<LwwKey> = fc.record({
  // Around zero and at the BIGINT edges, so that sign and width are exercised too.
  generationWatermark: fc.oneof(
    fc.bigInt({ min: -2n, max: 2n }),
    fc.constantFrom(-(2n ** 63n), 2n ** 63n - 1n),
  ),
  version: fc.oneof(fc.bigInt({ min: 0n, max: 3n }), fc.constantFrom(2n ** 63n - 1n, 1_700_000_000_000_000n)),
  isTombstone: fc.boolean(),
  // Lowercase hex like sha256, short so that equal hashes happen; the empty hash sorts lowest.
  payloadHash: fc.string({ unit: fc.constantFrom("0", "9", "a", "f"), maxLength: 3 }),
});

const COLUMNS = {
  generation: "_generation",
  version: "_version",
  tombstone: "_is_tombstone",
  payloadHash: "_payload_hash",
};

it("orders rows in DuckDB as compareLww does, ties included", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(key, { minLength: 1, maxLength: 25 }), async (keys) => {
      const values = keys
        .map(
          (k, id) =>
            `(${id}, '${k.generationWatermark}'::BIGINT, '${k.version}'::BIGINT, ${k.isTombstone}, ${quoteLiteral(k.payloadHash)})`,
        )
        .join(", ");
      const reader = await lake.connection.runAndReadAll(
        `SELECT id FROM (VALUES ${values}) AS t(id, _generation, _version, _is_tombstone, _payload_hash) ` +
          `ORDER BY ${[...lwwOrder(COLUMNS), "id ASC"].join(", ")}`,
      );
      const sqlOrder = reader.getRows().map((r) => Number(r[0]));
      const tsOrder = keys
        .map((k, id) => ({ k, id }))
        .sort((a, b) => compareLww(b.k, a.k) || a.id - b.id)
        .map((r) => r.id);
      expect(sqlOrder).toEqual(tsOrder);
    }),
    { numRuns: 200 },
  );
});
