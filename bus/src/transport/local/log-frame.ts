// The on-disk frame of LocalTransport's append-only partition log. Pure bytes in, bytes out: no file I/O here.
//   u32 bodyLength | u32 crc32(body) | body
//   body = u64 offset | f64 timestamp | i32 keyLength (-1: none) | key | u32 headerCount
//          | (u32 nameLength | name | u32 valueLength | value)* | u32 valueLength | value
// All integers little-endian. A frame whose length runs past the end of the file, or whose CRC does not match,
// is a torn write: readers stop before it, and the next writer (under the partition lock) truncates it away.
import { crc32 } from "node:zlib";

export const FRAME_HEADER_BYTES = 8;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface FrameInput {
  readonly offset: bigint;
  readonly timestamp: number;
  readonly key: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly value: Uint8Array;
}

export interface Frame extends FrameInput {
  /** Bytes the whole frame takes in the file. */
  readonly size: number;
}

/** Encodes frames back to back into one buffer (one write call per append). */
export function encodeFrames(frames: readonly FrameInput[]): Uint8Array {
  const parts = frames.map((f) => {
    const key = f.key === undefined ? undefined : encoder.encode(f.key);
    const headers = Object.entries(f.headers).map(
      ([n, v]) => [encoder.encode(n), encoder.encode(v)] as const,
    );
    let body = 8 + 8 + 4 + (key?.length ?? 0) + 4 + 4 + f.value.length;
    for (const [n, v] of headers) body += 8 + n.length + v.length;
    return { f, key, headers, body };
  });
  const total = parts.reduce((sum, p) => sum + FRAME_HEADER_BYTES + p.body, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let pos = 0;
  for (const { f, key, headers, body } of parts) {
    view.setUint32(pos, body, true);
    const start = pos + FRAME_HEADER_BYTES;
    let p = start;
    view.setBigUint64(p, f.offset, true);
    view.setFloat64(p + 8, f.timestamp, true);
    p += 16;
    view.setInt32(p, key === undefined ? -1 : key.length, true);
    p += 4;
    if (key !== undefined) {
      out.set(key, p);
      p += key.length;
    }
    view.setUint32(p, headers.length, true);
    p += 4;
    for (const [n, v] of headers) {
      view.setUint32(p, n.length, true);
      out.set(n, p + 4);
      p += 4 + n.length;
      view.setUint32(p, v.length, true);
      out.set(v, p + 4);
      p += 4 + v.length;
    }
    view.setUint32(p, f.value.length, true);
    out.set(f.value, p + 4);
    p += 4 + f.value.length;
    view.setUint32(pos + 4, crc32(out.subarray(start, p)), true);
    pos = p;
  }
  return out;
}

/**
 * Size of the complete, intact frame starting at `pos` in `buf`, or undefined when the bytes end before it
 * does or its CRC does not match (a torn or in-progress write).
 */
export function frameSizeAt(buf: Uint8Array, pos: number): number | undefined {
  if (buf.length - pos < FRAME_HEADER_BYTES) return undefined;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const body = view.getUint32(pos, true);
  const end = pos + FRAME_HEADER_BYTES + body;
  if (end > buf.length) return undefined;
  if (crc32(buf.subarray(pos + FRAME_HEADER_BYTES, end)) !== view.getUint32(pos + 4, true)) return undefined;
  return FRAME_HEADER_BYTES + body;
}

/** Total frame size as its header claims (without checking it), or undefined when the header is incomplete. */
export function claimedFrameSize(buf: Uint8Array, pos: number): number | undefined {
  if (buf.length - pos < FRAME_HEADER_BYTES) return undefined;
  return FRAME_HEADER_BYTES + new DataView(buf.buffer, buf.byteOffset, buf.byteLength).getUint32(pos, true);
}

/** The offset of the intact frame at `pos` (call frameSizeAt first). */
export function frameOffsetAt(buf: Uint8Array, pos: number): bigint {
  return new DataView(buf.buffer, buf.byteOffset, buf.byteLength).getBigUint64(
    pos + FRAME_HEADER_BYTES,
    true,
  );
}

/** Decodes the intact frame at `pos`; the value is copied out of `buf`. */
export function decodeFrame(buf: Uint8Array, pos: number): Frame {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const size = FRAME_HEADER_BYTES + view.getUint32(pos, true);
  let p = pos + FRAME_HEADER_BYTES;
  const offset = view.getBigUint64(p, true);
  const timestamp = view.getFloat64(p + 8, true);
  p += 16;
  const keyLength = view.getInt32(p, true);
  p += 4;
  let key: string | undefined;
  if (keyLength >= 0) {
    key = decoder.decode(buf.subarray(p, p + keyLength));
    p += keyLength;
  }
  const headerCount = view.getUint32(p, true);
  p += 4;
  const headers: Record<string, string> = {};
  for (let i = 0; i < headerCount; i++) {
    const n = view.getUint32(p, true);
    const name = decoder.decode(buf.subarray(p + 4, p + 4 + n));
    p += 4 + n;
    const v = view.getUint32(p, true);
    headers[name] = decoder.decode(buf.subarray(p + 4, p + 4 + v));
    p += 4 + v;
  }
  const valueLength = view.getUint32(p, true);
  const value = buf.slice(p + 4, p + 4 + valueLength);
  return { offset, timestamp, key, headers, value, size };
}
