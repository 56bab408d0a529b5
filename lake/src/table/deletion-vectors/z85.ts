// Z85 (ZeroMQ's base-85, RFC 32), the encoding Delta uses for deletion-vector UUIDs and inline DVs because it is
// JSON-safe. Delta's variant takes any length: the bytes are zero-padded to a multiple of 4 before encoding and
// the decoder is told how many bytes to keep. Pure.

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";
const DIGITS = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DIGITS[ALPHABET.charCodeAt(i)] = i;

/** Z85 text of `bytes`, zero-padded to a multiple of 4 bytes (5 characters per 4 bytes). */
export function z85Encode(bytes: Uint8Array): string {
  const padded = bytes.length % 4 === 0 ? bytes : new Uint8Array(Math.ceil(bytes.length / 4) * 4);
  if (padded !== bytes) padded.set(bytes);
  const view = new DataView(padded.buffer, padded.byteOffset, padded.byteLength);
  let out = "";
  for (let i = 0; i < padded.length; i += 4) {
    let word = view.getUint32(i, false);
    const chunk = new Array<string>(5);
    for (let j = 4; j >= 0; j--) {
      chunk[j] = ALPHABET[word % 85] as string;
      word = Math.floor(word / 85);
    }
    out += chunk.join("");
  }
  return out;
}

/** The first `length` bytes of Z85 `text` (default: all of them); throws on a bad character or length. */
export function z85Decode(text: string, length?: number): Uint8Array {
  if (text.length % 5 !== 0) throw new Error(`Z85 text length ${text.length} is not a multiple of 5`);
  const out = new Uint8Array((text.length / 5) * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < text.length; i += 5) {
    let word = 0;
    for (let j = 0; j < 5; j++) {
      const code = text.charCodeAt(i + j);
      const digit = code < 128 ? (DIGITS[code] as number) : -1;
      if (digit < 0) throw new Error(`character ${JSON.stringify(text[i + j])} at ${i + j} is not Z85`);
      word = word * 85 + digit;
    }
    if (word > 0xffffffff) throw new Error(`Z85 group at ${i} overflows 32 bits`);
    view.setUint32((i / 5) * 4, word, false);
  }
  const keep = length ?? out.length;
  if (keep > out.length) throw new Error(`Z85 text holds ${out.length} bytes, ${keep} wanted`);
  return out.subarray(0, keep);
}
