// Protobuf wire primitives that write straight into a caller's buffer at an offset and return the next offset,
// with exact sizes up front: the two-pass encoders (sizeEntity, the bus envelope) measure a message once,
// allocate one buffer, and write every byte in place. No growth, no chunks, no copies. Strings are written
// as UTF-8 by a plain loop when they are short ASCII and by Buffer#write otherwise (so targets are Buffers).

/** Bytes of an unsigned 32-bit varint. */
export function varintSize(n: number): number {
  if (n < 0x80) return 1;
  if (n < 0x4000) return 2;
  if (n < 0x200000) return 3;
  if (n < 0x10000000) return 4;
  return 5;
}

const TWO_64 = 2n ** 64n;

/** Bytes of an int64 varint (two's complement: a negative value takes 10 bytes). */
export function int64Size(v: number | bigint): number {
  if (typeof v === "number") {
    if (v < 0) return 10;
    if (v < 0x10000000) return varintSize(v);
    if (v < 2 ** 35) return 5;
    if (v < 2 ** 42) return 6;
    if (v < 2 ** 49) return 7;
    return v < 2 ** 56 ? 8 : 9;
  }
  if (v < 0n) return 10;
  if (v <= BigInt(Number.MAX_SAFE_INTEGER)) return int64Size(Number(v));
  let n = 0;
  for (let x = v; x > 0n; x >>= 7n) n++;
  return n;
}

/** Bytes of an int32 varint (a negative value is sign-extended to 64 bits: 10 bytes). */
export function int32Size(n: number): number {
  return n < 0 ? 10 : varintSize(n);
}

/** UTF-8 byte length of a string. */
export function utf8Length(s: string): number {
  const n = s.length;
  if (n > 128) return Buffer.byteLength(s, "utf8");
  for (let i = 0; i < n; i++) if (s.charCodeAt(i) >= 0x80) return Buffer.byteLength(s, "utf8");
  return n;
}

/** A Buffer over the same memory (no copy) so that strings can be written with Buffer#write. */
export function asBuffer(target: Uint8Array): Buffer {
  return Buffer.isBuffer(target) ? target : Buffer.from(target.buffer, target.byteOffset, target.byteLength);
}

export function writeVarint(b: Uint8Array, pos: number, n: number): number {
  let v = n;
  while (v >= 0x80) {
    b[pos++] = (v & 0x7f) | 0x80;
    v = Math.floor(v / 128);
  }
  b[pos++] = v;
  return pos;
}

export function writeInt64(b: Uint8Array, pos: number, v: number | bigint): number {
  if (typeof v === "number" && v >= 0) return writeVarint(b, pos, v);
  let x = typeof v === "number" ? BigInt(v) : v;
  if (x >= 0n && x <= BigInt(Number.MAX_SAFE_INTEGER)) return writeVarint(b, pos, Number(x));
  if (x < 0n) x += TWO_64;
  while (x >= 0x80n) {
    b[pos++] = Number(x & 0x7fn) | 0x80;
    x >>= 7n;
  }
  b[pos++] = Number(x);
  return pos;
}

export function writeInt32(b: Uint8Array, pos: number, n: number): number {
  return n < 0 ? writeInt64(b, pos, n) : writeVarint(b, pos, n);
}

/** Writes `s`, whose UTF-8 length is `length` (from utf8Length), at `pos`. */
export function writeUtf8(b: Buffer, pos: number, s: string, length: number): number {
  if (length === s.length && length <= 128) {
    for (let i = 0; i < length; i++) b[pos + i] = s.charCodeAt(i);
    return pos + length;
  }
  return pos + b.write(s, pos, length, "utf8");
}

const f64 = new Float64Array(1);
const f64Bytes = new Uint8Array(f64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** A little-endian IEEE 754 double, as protobuf writes `double`. */
export function writeDouble(b: Uint8Array, pos: number, n: number): number {
  f64[0] = n;
  if (LITTLE_ENDIAN) b.set(f64Bytes, pos);
  else for (let i = 0; i < 8; i++) b[pos + i] = f64Bytes[7 - i] as number;
  return pos + 8;
}
