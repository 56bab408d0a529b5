// Delta's RoaringBitmapArray: a set of 64-bit row positions as the magic number 1681511377 followed by a 64-bit
// Roaring bitmap in the "portable" serialization of the RoaringFormatSpec (little endian: a bucket count, then
// per 32-bit high key a standard 32-bit Roaring bitmap with array, bitmap and run containers). Both directions,
// all container kinds. Positions are plain numbers (row indexes of one Parquet file stay far below 2^53). Pure.

export const DV_MAGIC = 1681511377;
/** The older "native" layout (a count, then each 32-bit bitmap with its byte size; bitmap i holds high key i). */
export const DV_MAGIC_NATIVE = 1681511376;

const SERIAL_COOKIE_NO_RUN = 12346;
const SERIAL_COOKIE = 12347;
const NO_OFFSET_THRESHOLD = 4;
const ARRAY_MAX = 4096;
const BITMAP_BYTES = 8192;
const TWO_32 = 2 ** 32;

/** A 16-bit container: its high key and its sorted low values. */
interface Container {
  readonly key: number;
  readonly values: readonly number[];
}

type Kind = "array" | "bitmap" | "run";

/** The serialized bitmap of `positions` (sorted ascending, distinct, non-negative safe integers). */
export function encodeRoaringBitmapArray(positions: readonly number[]): Uint8Array {
  const buckets = new Map<number, number[]>();
  let previous = -1;
  for (const p of positions) {
    if (!Number.isSafeInteger(p) || p <= previous)
      throw new Error(
        `positions must be ascending distinct non-negative integers, got ${p} after ${previous}`,
      );
    previous = p;
    const high = Math.floor(p / TWO_32);
    if (high > 0x7fffffff) throw new Error(`position ${p} is beyond the 63-bit range Delta allows`);
    const list = buckets.get(high);
    if (list === undefined) buckets.set(high, [p - high * TWO_32]);
    else list.push(p - high * TWO_32);
  }
  const parts: Uint8Array[] = [];
  const head = new DataView(new ArrayBuffer(12));
  head.setUint32(0, DV_MAGIC, true);
  head.setBigUint64(4, BigInt(buckets.size), true);
  parts.push(new Uint8Array(head.buffer));
  for (const [high, lows] of buckets) {
    const key = new DataView(new ArrayBuffer(4));
    key.setUint32(0, high, true);
    parts.push(new Uint8Array(key.buffer), encode32(lows));
  }
  return concat(parts);
}

/** The positions of a serialized RoaringBitmapArray, ascending. Throws on a wrong magic number or a short buffer. */
export function decodeRoaringBitmapArray(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, true);
  if (magic === DV_MAGIC_NATIVE || view.getUint32(0, false) === DV_MAGIC_NATIVE)
    return decodeNative(view, magic === DV_MAGIC_NATIVE);
  if (magic !== DV_MAGIC) throw new Error(`magic number ${magic} is not ${DV_MAGIC}`);
  const buckets = Number(view.getBigUint64(4, true));
  const out: number[] = [];
  let at = 12;
  for (let b = 0; b < buckets; b++) {
    const high = view.getUint32(at, true) * TWO_32;
    at = decode32(view, at + 4, high, out);
  }
  return out;
}

/** The native layout, as the protocol's inline example has it (its header in the magic number's byte order). */
function decodeNative(view: DataView, littleEndian: boolean): number[] {
  const bitmaps = view.getUint32(4, littleEndian);
  const out: number[] = [];
  let at = 8;
  for (let b = 0; b < bitmaps; b++) {
    const size = view.getUint32(at, littleEndian);
    const end = decode32(view, at + 4, b * TWO_32, out);
    if (end !== at + 4 + size)
      throw new Error(`bitmap ${b} is ${end - at - 4} bytes, its header says ${size}`);
    at = end;
  }
  return out;
}

function encode32(lows: readonly number[]): Uint8Array {
  const containers: Container[] = [];
  for (const v of lows) {
    const key = v >>> 16;
    const last = containers[containers.length - 1];
    if (last !== undefined && last.key === key) (last.values as number[]).push(v & 0xffff);
    else containers.push({ key, values: [v & 0xffff] });
  }
  const kinds = containers.map((c) => kindOf(c.values));
  const hasRun = kinds.includes("run");
  const n = containers.length;
  const withOffsets = !hasRun || n >= NO_OFFSET_THRESHOLD;
  const headerBytes = (hasRun ? 4 + Math.ceil(n / 8) : 8) + 4 * n + (withOffsets ? 4 * n : 0);
  const bodies = containers.map((c, i) => encodeContainer(c.values, kinds[i] as Kind));
  const total = headerBytes + bodies.reduce((s, b) => s + b.length, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let at = 0;
  if (hasRun) {
    view.setUint32(0, SERIAL_COOKIE | ((n - 1) << 16), true);
    at = 4;
    kinds.forEach((k, i) => {
      if (k === "run") out[at + (i >> 3)] = (out[at + (i >> 3)] as number) | (1 << (i & 7));
    });
    at += Math.ceil(n / 8);
  } else {
    view.setUint32(0, SERIAL_COOKIE_NO_RUN, true);
    view.setUint32(4, n, true);
    at = 8;
  }
  for (const c of containers) {
    view.setUint16(at, c.key, true);
    view.setUint16(at + 2, c.values.length - 1, true);
    at += 4;
  }
  if (withOffsets) {
    let offset = headerBytes;
    for (const b of bodies) {
      view.setUint32(at, offset, true);
      at += 4;
      offset += b.length;
    }
  }
  for (const b of bodies) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

function runsOf(values: readonly number[]): number {
  let runs = 0;
  for (let i = 0; i < values.length; i++) if (i === 0 || values[i] !== (values[i - 1] as number) + 1) runs++;
  return runs;
}

/** The smallest encoding, as Roaring's runOptimize picks it. */
function kindOf(values: readonly number[]): Kind {
  const fixed = values.length <= ARRAY_MAX ? 2 * values.length : BITMAP_BYTES;
  return 2 + 4 * runsOf(values) < fixed ? "run" : values.length <= ARRAY_MAX ? "array" : "bitmap";
}

function encodeContainer(values: readonly number[], kind: Kind): Uint8Array {
  if (kind === "array") {
    const out = new Uint8Array(2 * values.length);
    const view = new DataView(out.buffer);
    values.forEach((v, i) => {
      view.setUint16(2 * i, v, true);
    });
    return out;
  }
  if (kind === "bitmap") {
    const out = new Uint8Array(BITMAP_BYTES);
    for (const v of values) out[v >> 3] = (out[v >> 3] as number) | (1 << (v & 7));
    return out;
  }
  const runs: [number, number][] = [];
  for (const v of values) {
    const last = runs[runs.length - 1];
    if (last !== undefined && last[0] + last[1] + 1 === v) last[1]++;
    else runs.push([v, 0]);
  }
  const out = new Uint8Array(2 + 4 * runs.length);
  const view = new DataView(out.buffer);
  view.setUint16(0, runs.length, true);
  runs.forEach(([start, lengthMinusOne], i) => {
    view.setUint16(2 + 4 * i, start, true);
    view.setUint16(4 + 4 * i, lengthMinusOne, true);
  });
  return out;
}

/** Appends the values of the 32-bit bitmap at `start` (plus `high`) to `out`; returns the offset after it. */
function decode32(view: DataView, start: number, high: number, out: number[]): number {
  const cookie = view.getUint32(start, true);
  let at = start + 4;
  let n: number;
  let runFlags: number | undefined;
  if ((cookie & 0xffff) === SERIAL_COOKIE) {
    n = (cookie >>> 16) + 1;
    runFlags = at;
    at += Math.ceil(n / 8);
  } else if (cookie === SERIAL_COOKIE_NO_RUN) {
    n = view.getUint32(at, true);
    at += 4;
  } else throw new Error(`Roaring cookie ${cookie} is not ${SERIAL_COOKIE_NO_RUN} or ${SERIAL_COOKIE}`);
  const keys: number[] = [];
  const cards: number[] = [];
  for (let i = 0; i < n; i++) {
    keys.push(view.getUint16(at, true));
    cards.push(view.getUint16(at + 2, true) + 1);
    at += 4;
  }
  if (runFlags === undefined || n >= NO_OFFSET_THRESHOLD) at += 4 * n;
  for (let i = 0; i < n; i++) {
    const base = high + (keys[i] as number) * 65536;
    const card = cards[i] as number;
    const isRun = runFlags !== undefined && (view.getUint8(runFlags + (i >> 3)) & (1 << (i & 7))) !== 0;
    if (isRun) {
      const runs = view.getUint16(at, true);
      at += 2;
      for (let r = 0; r < runs; r++) {
        const s = view.getUint16(at, true);
        const len = view.getUint16(at + 2, true);
        for (let v = s; v <= s + len; v++) out.push(base + v);
        at += 4;
      }
    } else if (card <= ARRAY_MAX) {
      for (let j = 0; j < card; j++) out.push(base + view.getUint16(at + 2 * j, true));
      at += 2 * card;
    } else {
      for (let w = 0; w < BITMAP_BYTES; w++) {
        const byte = view.getUint8(at + w);
        if (byte !== 0) for (let bit = 0; bit < 8; bit++) if (byte & (1 << bit)) out.push(base + w * 8 + bit);
      }
      at += BITMAP_BYTES;
    }
  }
  return at;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
