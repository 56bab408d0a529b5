import { describe, expect, it } from "vitest";
import { RecordSlab } from "./record-slab.js";

describe("RecordSlab", () => {
  it("cuts records of the asked size from shared slabs, never overlapping, and big ones apart", () => {
    const slab = new RecordSlab({ slabBytes: 1024 });
    const sizes = [100, 1, 37, 128, 90, 127, 64, 100, 100, 100, 3, 128, 100];
    const records = sizes.map((size, i) => {
      const b = slab.allocate(size);
      b.fill(i);
      return b;
    });
    records.forEach((b, i) => {
      expect(b.length).toBe(sizes[i]);
      // Every byte still holds its own record's fill: no later record wrote over it.
      expect(b.every((x) => x === i)).toBe(true);
    });
    expect(new Set(records.map((b) => b.buffer)).size).toBe(2);
    const big = slab.allocate(129);
    expect(big.length).toBe(129);
    expect(big.buffer.byteLength).toBeLessThan(1024);
  });
});
