// The deletion-vector file format (Delta protocol, "Deletion Vector File Storage Format"): a version byte (1),
// then per DV its size (u32 big endian), the serialized RoaringBitmapArray, and the CRC-32 of those bytes (u32
// big endian). A descriptor's offset points at the size. Pure.
import { crc32 } from "node:zlib";

export const DV_FILE_VERSION = 1;

/** One file holding `bitmaps`; returns its bytes and each bitmap's offset (at its size field). */
export function encodeDvFile(bitmaps: readonly Uint8Array[]): { bytes: Uint8Array; offsets: number[] } {
  const total = 1 + bitmaps.reduce((s, b) => s + 8 + b.length, 0);
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  bytes[0] = DV_FILE_VERSION;
  const offsets: number[] = [];
  let at = 1;
  for (const b of bitmaps) {
    offsets.push(at);
    view.setUint32(at, b.length, false);
    bytes.set(b, at + 4);
    view.setUint32(at + 4 + b.length, crc32(b), false);
    at += 8 + b.length;
  }
  return { bytes, offsets };
}

/**
 * The bitmap bytes of the DV at `offset` of a DV file, checked against the descriptor's size and the stored
 * CRC. `bytes` may be the whole file or a range read starting at `offset` (then `offset` is given as 0 and
 * `wholeFile` false, which skips the version byte check).
 */
export function decodeDvEntry(
  bytes: Uint8Array,
  offset: number,
  sizeInBytes: number,
  wholeFile = true,
): Uint8Array {
  if (wholeFile && bytes[0] !== DV_FILE_VERSION)
    throw new Error(`DV file version ${bytes[0]} is not ${DV_FILE_VERSION}`);
  if (offset + 8 + sizeInBytes > bytes.length)
    throw new Error(
      `DV at offset ${offset} of ${sizeInBytes} bytes runs past the file's ${bytes.length} bytes`,
    );
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = view.getUint32(offset, false);
  if (size !== sizeInBytes)
    throw new Error(`DV at offset ${offset} is ${size} bytes, the log says ${sizeInBytes}`);
  const data = bytes.subarray(offset + 4, offset + 4 + size);
  const stored = view.getUint32(offset + 4 + size, false);
  const actual = crc32(data);
  if (stored !== actual)
    throw new Error(`DV at offset ${offset} fails its CRC-32 (${stored} stored, ${actual} computed)`);
  return data;
}
