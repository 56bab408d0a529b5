// The last-writer-wins key and the order every component shares (producer, ingest, merge writers):
//   1. greater generation_watermark wins (a deleted-and-recreated resource starts a new generation);
//   2. then greater version;
//   3. on a tie, a tombstone wins over an update (deletes are never undone by an equal version);
//   4. then the greater payload hash (lowercase hex sha256, see payload-hash.ts), so that two different
//      payloads with the same version converge to the same winner everywhere.
// Two keys compare equal only when all four parts are equal, i.e. the same content: the order is total on keys,
// so folding any permutation of any multiset of records picks the same winner.

export interface LwwKey {
  readonly generationWatermark: bigint;
  readonly version: bigint;
  readonly isTombstone: boolean;
  /** Lowercase hex sha256 of the payload bytes; see payloadHash(). */
  readonly payloadHash: string;
}

/** Negative when `a` loses to `b`, positive when `a` wins, 0 when they are the same key. */
export function compareLww(a: LwwKey, b: LwwKey): number {
  if (a.generationWatermark !== b.generationWatermark)
    return a.generationWatermark < b.generationWatermark ? -1 : 1;
  if (a.version !== b.version) return a.version < b.version ? -1 : 1;
  if (a.isTombstone !== b.isTombstone) return a.isTombstone ? 1 : -1;
  if (a.payloadHash !== b.payloadHash) return a.payloadHash < b.payloadHash ? -1 : 1;
  return 0;
}

/** The winner of two: `b` only when it is strictly greater, so folding keeps the first of equal keys. */
export function lwwMax<T extends LwwKey>(a: T, b: T): T {
  return compareLww(b, a) > 0 ? b : a;
}

/** The last writer among `items` (undefined when empty), by the key `keyOf` gives each one. */
export function lwwWinner<T>(items: Iterable<T>, keyOf: (item: T) => LwwKey): T | undefined {
  let best: T | undefined;
  let bestKey: LwwKey | undefined;
  for (const item of items) {
    const key = keyOf(item);
    if (bestKey === undefined || compareLww(key, bestKey) > 0) {
      best = item;
      bestKey = key;
    }
  }
  return best;
}
