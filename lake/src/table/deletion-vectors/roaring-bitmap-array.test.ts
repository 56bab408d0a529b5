import { describe, expect, it } from "vitest";
import { decodeRoaringBitmapArray, encodeRoaringBitmapArray } from "./roaring-bitmap-array.js";
import { z85Decode, z85Encode } from "./z85.js";

// The inline deletion vector of the Delta protocol's "JSON Example 3": rows 3, 4, 7, 11, 18, 29 in 40 bytes.
const SPEC_INLINE = "wi5b=000010000siXQKl0rr91000f55c8Xg0@@D72lkbi5=-{L";

describe("RoaringBitmapArray", () => {
  // The example is in the older "native" layout (magic 1681511376); writers now use the portable one.
  it("decodes the protocol's inline example", () => {
    const bytes = z85Decode(SPEC_INLINE, 40);
    expect(decodeRoaringBitmapArray(bytes)).toEqual([3, 4, 7, 11, 18, 29]);
  });

  it("encodes the example in the portable layout: magic, bucket count, key, then the same 32-bit bitmap", () => {
    const bytes = encodeRoaringBitmapArray([3, 4, 7, 11, 18, 29]);
    const spec = Buffer.from(z85Decode(SPEC_INLINE, 40));
    // 1681511377 little endian, one bucket (u64), key 0 (u32), then the example's 28-byte 32-bit bitmap.
    expect(Buffer.from(bytes).toString("hex")).toBe(
      `d1d33964${"0100000000000000"}${"00000000"}${spec.subarray(12).toString("hex")}`,
    );
    expect(decodeRoaringBitmapArray(bytes)).toEqual([3, 4, 7, 11, 18, 29]);
  });

  it("round-trips array, bitmap and run containers across 16- and 32-bit keys", () => {
    const positions: number[] = [];
    for (let i = 0; i < 5000; i++) positions.push(i * 3); // bitmap container (5000 scattered values)
    for (let i = 70_000; i < 80_000; i++) positions.push(i); // one long run
    positions.push(200_000, 200_002, 2 ** 32 + 5, 2 ** 33 + 1); // arrays, higher 32-bit buckets
    const decoded = decodeRoaringBitmapArray(encodeRoaringBitmapArray(positions));
    expect(decoded).toEqual(positions);
  });

  it("round-trips with four or more containers when runs are present (offsets written)", () => {
    const positions = [1, 2, 3, 65_536 + 9, 131_072, 131_073, 196_608 + 7, 262_144];
    expect(decodeRoaringBitmapArray(encodeRoaringBitmapArray(positions))).toEqual(positions);
  });

  it("refuses unsorted positions and a wrong magic number", () => {
    expect(() => encodeRoaringBitmapArray([5, 3])).toThrow(/ascending/);
    expect(() => decodeRoaringBitmapArray(new Uint8Array(12))).toThrow(/magic number/);
  });
});

describe("Z85", () => {
  it("encodes the ZeroMQ test vector and pads odd lengths", () => {
    const hello = new Uint8Array([0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b]);
    expect(z85Encode(hello)).toBe("HelloWorld");
    expect(z85Decode("HelloWorld")).toEqual(hello);
    expect(z85Decode(z85Encode(new Uint8Array([1, 2, 3])), 3)).toEqual(new Uint8Array([1, 2, 3]));
    expect(() => z85Decode("Hello~orld")).toThrow(/not Z85/);
  });
});
