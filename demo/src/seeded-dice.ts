// The demo's randomness: every choice of the workload and of the delivery comes from a seeded stream
// (ingest's mulberry32 `seededRandom`), so one seed always gives the same result. Never Math.random here.
import { seededRandom } from "@facsimile/ingest/testing";

export interface Dice {
  /** Uniform in [0, 1). */
  next(): number;
  chance(probability: number): boolean;
  /** An integer in [low, high], both included. */
  int(low: number, high: number): number;
  pick<T>(items: readonly T[]): T;
  /** `count` distinct items (all of them when there are fewer), in a random order. */
  some<T>(items: readonly T[], count: number): T[];
  /** Shuffles `items` in place (Fisher-Yates) and returns it. */
  shuffle<T>(items: T[]): T[];
}

export function createDice(seed: number): Dice {
  const next = seededRandom(seed);
  const int = (low: number, high: number): number => low + Math.floor(next() * (high - low + 1));
  const shuffle = <T>(items: T[]): T[] => {
    for (let i = items.length - 1; i > 0; i--) {
      const j = int(0, i);
      [items[i], items[j]] = [items[j] as T, items[i] as T];
    }
    return items;
  };
  return {
    next,
    chance: (probability) => next() < probability,
    int,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new Error("pick() needs at least one item");
      return items[int(0, items.length - 1)] as T;
    },
    some: (items, count) => shuffle([...items]).slice(0, Math.max(0, count)),
    shuffle,
  };
}
