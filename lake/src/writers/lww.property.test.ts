// Property: any multiset of records, duplicated, shuffled and cut into any batches, merges into the table a
// last-writer-wins oracle computes, for Merge and MergeExploded, whatever the file size (so pruning and partial
// rewrites are exercised too), with copy-on-write or deletion vectors (rewriting files at half or never).
import { compareLww } from "@facsimile/protocol";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readRows } from "../io/read-table.js";
import { type TempLake, tempLake } from "../testing/temp-lake.js";
import { mergeBatch } from "./merge.js";
import { mergeExplodedBatch } from "./merge-exploded.js";

let lake: TempLake;
let run = 0;
beforeAll(async () => {
  lake = await tempLake();
});
afterAll(async () => {
  await lake.close();
});

const RUNS = 20;

interface Lww {
  readonly gen: number;
  readonly ver: number;
  readonly tomb: boolean;
  readonly hash: string;
}
/** The one LWW rule (@facsimile/protocol's compareLww) on the test's small numbers. */
const compare = (a: Lww, b: Lww): number =>
  compareLww(
    { generationWatermark: BigInt(a.gen), version: BigInt(a.ver), isTombstone: a.tomb, payloadHash: a.hash },
    { generationWatermark: BigInt(b.gen), version: BigInt(b.ver), isTombstone: b.tomb, payloadHash: b.hash },
  );

/** A pool of distinct records, then a delivery: picks from the pool (duplicates, any order) cut into batches. */
function deliveries<T>(record: fc.Arbitrary<T>) {
  return fc
    .record({
      pool: fc.array(record, { minLength: 1, maxLength: 14 }),
      picks: fc.array(fc.nat(), { minLength: 1, maxLength: 30 }),
      cuts: fc.array(fc.nat(), { maxLength: 4 }),
      maxRowsPerFile: fc.constantFrom(0, 2, 5),
      dv: fc.constantFrom(undefined, 0.5, 1),
    })
    .map(({ pool, picks, cuts, maxRowsPerFile, dv }) => {
      const sequence = picks.map((p) => pool[p % pool.length] as T);
      const at = [...new Set(cuts.map((c) => c % sequence.length))]
        .filter((c) => c > 0)
        .sort((a, b) => a - b);
      const batches = [0, ...at].map((start, i) => sequence.slice(start, at[i] ?? sequence.length));
      const deletionVectors = dv === undefined ? {} : { deletionVectors: true, dvRewriteAbove: dv };
      return { sequence, batches, maxRowsPerFile, deletionVectors };
    });
}

const lwwColumns = {
  _generation: "BIGINT",
  _version: "BIGINT",
  _is_tombstone: "BOOLEAN",
  _payload_hash: "VARCHAR",
};
const lwwFields = { gen: fc.nat({ max: 1 }), ver: fc.nat({ max: 2 }), tomb: fc.boolean() };

describe("LWW merges equal the oracle whatever the order and batching", () => {
  interface Upsert extends Omit<Lww, "hash"> {
    readonly ws: string;
    readonly id: number;
    readonly val: number;
  }
  const upsert = fc.record({
    ws: fc.constantFrom("a", "b"),
    id: fc.nat({ max: 2 }),
    val: fc.nat({ max: 2 }),
    ...lwwFields,
  });
  // The payload hash is a function of the payload, as on the bus: equal LWW keys mean equal rows. A tombstone's
  // hash sorts above or below an update's, so the tombstone rule is tested on its own.
  const lwwOf = (r: Upsert): Lww => ({ ...r, hash: `${r.val}${r.tomb ? "t" : "h"}` });
  const toRow = (r: Upsert) => ({
    ws: r.ws,
    id: r.id,
    val: r.tomb ? null : `v${r.val}`,
    _generation: r.gen,
    _version: r.ver,
    _is_tombstone: r.tomb,
    _payload_hash: lwwOf(r).hash,
  });
  const show = (r: Record<string, unknown>) =>
    `${r.ws}/${r.id}=${r.val}@${r._generation}.${r._version}${r._is_tombstone ? "†" : ""}`;

  it("Merge", async () => {
    await fc.assert(
      fc.asyncProperty(deliveries(upsert), async ({ sequence, batches, maxRowsPerFile, deletionVectors }) => {
        const table = lake.open(`merge-${run++}`);
        for (const [i, batch] of batches.entries())
          await mergeBatch(
            table,
            {
              kind: "merge",
              primaryKey: ["id"],
              partitionColumns: ["ws"],
              maxRowsPerFile,
              ...deletionVectors,
            },
            {
              rows: batch.map(toRow),
              columns: { ws: "VARCHAR", id: "INTEGER", val: "VARCHAR", ...lwwColumns },
            },
            { appId: "p", version: i },
          );
        const winners = new Map<string, Upsert>();
        for (const r of sequence) {
          const k = `${r.ws}/${r.id}`;
          const w = winners.get(k);
          if (w === undefined || compare(lwwOf(r), lwwOf(w)) > 0) winners.set(k, r);
        }
        const expected = [...winners.values()].map((r) => show(toRow(r))).sort();
        const actual = (await readRows(table)).map(show).sort();
        expect(actual).toEqual(expected);
      }),
      { numRuns: RUNS },
    );
  });

  interface ParentVersion extends Omit<Lww, "hash"> {
    readonly ws: string;
    readonly pid: number;
    readonly children: readonly number[];
    readonly salt: number;
  }
  const parentVersion = fc.record({
    ws: fc.constantFrom("a", "b"),
    pid: fc.nat({ max: 3 }),
    children: fc.array(fc.nat({ max: 2 }), { maxLength: 3 }),
    salt: fc.nat({ max: 1 }),
    ...lwwFields,
  });
  const pvLww = (p: ParentVersion): Lww => ({
    ...p,
    hash: p.tomb ? (["", "~"][p.salt] ?? "") : JSON.stringify(p.children),
  });
  /** The exploded rows of one parent version; no children (or a tombstone) is one row with NULL child columns. */
  const explode = (p: ParentVersion): Record<string, unknown>[] => {
    const base = {
      ws: p.ws,
      pid: p.pid,
      _generation: p.gen,
      _version: p.ver,
      _is_tombstone: p.tomb,
      _payload_hash: pvLww(p).hash,
    };
    if (p.tomb || p.children.length === 0) return [{ ...base, idx: null, child: null }];
    return p.children.map((c, idx) => ({ ...base, idx, child: `c${c}` }));
  };
  const showChild = (r: Record<string, unknown>) =>
    `${r.ws}/${r.pid}[${r.idx}]=${r.child}@${r._generation}.${r._version}${r._is_tombstone ? "†" : ""}`;

  it("MergeExploded", async () => {
    await fc.assert(
      fc.asyncProperty(
        deliveries(parentVersion),
        async ({ sequence, batches, maxRowsPerFile, deletionVectors }) => {
          const table = lake.open(`exploded-${run++}`);
          for (const [i, batch] of batches.entries())
            await mergeExplodedBatch(
              table,
              {
                kind: "merge-exploded",
                parentKey: ["pid"],
                childKey: ["idx"],
                partitionColumns: ["ws"],
                maxRowsPerFile,
                ...deletionVectors,
              },
              {
                rows: batch.flatMap(explode),
                columns: { ws: "VARCHAR", pid: "INTEGER", idx: "INTEGER", child: "VARCHAR", ...lwwColumns },
              },
              { appId: "p", version: i },
            );
          const winners = new Map<string, ParentVersion>();
          for (const p of sequence) {
            const k = `${p.ws}/${p.pid}`;
            const w = winners.get(k);
            if (w === undefined || compare(pvLww(p), pvLww(w)) > 0) winners.set(k, p);
          }
          const expected = [...winners.values()].flatMap(explode).map(showChild).sort();
          const actual = (await readRows(table)).map(showChild).sort();
          expect(actual).toEqual(expected);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
