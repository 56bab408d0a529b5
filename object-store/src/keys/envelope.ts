// Envelope encryption of one object (the local store's BYOK): a fresh 256-bit data key per object encrypts the
// body with AES-256-GCM; the data key is stored wrapped under the workspace's keystore key. Layout:
//   "FXE1" | uint32 BE header length | header JSON | ciphertext | 16-byte GCM tag
// The header (key id, wrapped data key, IVs) is the associated data of the body, so it cannot be swapped.
// Files are encrypted and decrypted as streams; a decrypted file appears only after its tag verified.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { open, writeFile } from "node:fs/promises";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ObjectIntegrityError } from "../errors.js";
import type { LocalKeystore } from "./local-keystore.js";

const MAGIC = Buffer.from("FXE1", "ascii");
const TAG_BYTES = 16;
const MAX_HEADER_BYTES = 64 * 1024;
// Stream chunks of 1 MiB: with the 64 KiB default, per-chunk overhead made 64 MiB files about 3x slower here.
const CHUNK = 1024 * 1024;

interface EnvelopeHeader {
  readonly alg: "AES-256-GCM";
  readonly keyId: string;
  /** base64: the data key wrapped under keyId, and the wrap's IV. */
  readonly wrappedKey: string;
  readonly wrapIv: string;
  /** base64: the body's IV. */
  readonly iv: string;
}

interface Where {
  readonly url: string;
  readonly key: string;
}

/** True when the bytes start like an envelope. No valid Parquet, JSON or protobuf message starts with "FXE1". */
export function isEnvelope(head: Uint8Array): boolean {
  return head.length >= MAGIC.length && Buffer.from(head.buffer, head.byteOffset, MAGIC.length).equals(MAGIC);
}

async function newHeader(
  keystore: LocalKeystore,
  keyId: string,
  where: Where,
): Promise<{ prefix: Buffer; dataKey: Buffer; iv: Buffer }> {
  const dataKey = randomBytes(32);
  const iv = randomBytes(12);
  const w = await keystore.wrap(keyId, dataKey, where.key, where.url);
  const header: EnvelopeHeader = {
    alg: "AES-256-GCM",
    keyId,
    wrappedKey: Buffer.from(w.wrapped).toString("base64"),
    wrapIv: Buffer.from(w.iv).toString("base64"),
    iv: iv.toString("base64"),
  };
  const json = Buffer.from(JSON.stringify(header), "utf8");
  const len = Buffer.alloc(4);
  len.writeUInt32BE(json.length);
  return { prefix: Buffer.concat([MAGIC, len, json]), dataKey, iv };
}

function parseHeader(buf: Buffer, where: Where): { header: EnvelopeHeader; prefix: Buffer } {
  if (buf.length < 8 || !isEnvelope(buf))
    throw new ObjectIntegrityError(where.url, where.key, "no envelope header");
  const len = buf.readUInt32BE(4);
  if (len > MAX_HEADER_BYTES || buf.length < 8 + len)
    throw new ObjectIntegrityError(
      where.url,
      where.key,
      `envelope header of ${len} bytes is truncated or too large`,
    );
  const prefix = buf.subarray(0, 8 + len);
  try {
    const header = JSON.parse(prefix.subarray(8).toString("utf8")) as EnvelopeHeader;
    if (header.alg !== "AES-256-GCM" || typeof header.keyId !== "string")
      throw new Error("unknown algorithm");
    return { header, prefix };
  } catch (err) {
    throw new ObjectIntegrityError(where.url, where.key, "malformed envelope header", { cause: err });
  }
}

/** The key id an envelope names, from its first bytes (undefined when they are not an envelope). */
export function envelopeKeyId(head: Uint8Array, where: Where): string | undefined {
  if (!isEnvelope(head)) return undefined;
  return parseHeader(Buffer.from(head.buffer, head.byteOffset, head.byteLength), where).header.keyId;
}

async function dataKeyOf(keystore: LocalKeystore, header: EnvelopeHeader, where: Where): Promise<Buffer> {
  try {
    return await keystore.unwrap(
      header.keyId,
      { iv: Buffer.from(header.wrapIv, "base64"), wrapped: Buffer.from(header.wrappedKey, "base64") },
      where.key,
      where.url,
    );
  } catch (err) {
    if (
      (err as { code?: unknown }).code === "KMS_KEY_UNAVAILABLE" ||
      (err as { code?: unknown }).code === "KMS_KEY_INVALID"
    )
      throw err;
    throw new ObjectIntegrityError(where.url, where.key, "the data key does not unwrap", { cause: err });
  }
}

export async function encryptBytes(
  keystore: LocalKeystore,
  keyId: string,
  body: Uint8Array,
  where: Where,
): Promise<Buffer> {
  const { prefix, dataKey, iv } = await newHeader(keystore, keyId, where);
  const cipher = createCipheriv("aes-256-gcm", dataKey, iv);
  cipher.setAAD(prefix);
  return Buffer.concat([prefix, cipher.update(body), cipher.final(), cipher.getAuthTag()]);
}

export async function decryptBytes(
  keystore: LocalKeystore,
  bytes: Uint8Array,
  where: Where,
): Promise<Buffer> {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { header, prefix } = parseHeader(buf, where);
  if (buf.length < prefix.length + TAG_BYTES)
    throw new ObjectIntegrityError(where.url, where.key, "truncated");
  const decipher = createDecipheriv(
    "aes-256-gcm",
    await dataKeyOf(keystore, header, where),
    Buffer.from(header.iv, "base64"),
  );
  decipher.setAAD(prefix);
  decipher.setAuthTag(buf.subarray(buf.length - TAG_BYTES));
  try {
    return Buffer.concat([
      decipher.update(buf.subarray(prefix.length, buf.length - TAG_BYTES)),
      decipher.final(),
    ]);
  } catch (err) {
    throw new ObjectIntegrityError(where.url, where.key, "authentication failed", { cause: err });
  }
}

/** Encrypts the file at `src` into `dst` (created, must not exist). */
export async function encryptFile(
  keystore: LocalKeystore,
  keyId: string,
  src: string,
  dst: string,
  where: Where,
): Promise<void> {
  const { prefix, dataKey, iv } = await newHeader(keystore, keyId, where);
  const cipher = createCipheriv("aes-256-gcm", dataKey, iv);
  cipher.setAAD(prefix);
  let first = true;
  const framed = new Transform({
    transform(chunk: Buffer, _enc, done) {
      if (first) {
        first = false;
        this.push(prefix);
      }
      done(null, cipher.update(chunk));
    },
    flush(done) {
      if (first) this.push(prefix);
      this.push(cipher.final());
      done(null, cipher.getAuthTag());
    },
  });
  await pipeline(
    createReadStream(src, { highWaterMark: CHUNK }),
    framed,
    createWriteStream(dst, { flags: "wx" }),
  );
}

/** Decrypts the envelope file at `src` into `dst` (created, must not exist); throws if the tag does not verify. */
export async function decryptFile(
  keystore: LocalKeystore,
  src: string,
  dst: string,
  where: Where,
): Promise<void> {
  const handle = await open(src, "r");
  let header: EnvelopeHeader;
  let prefix: Buffer;
  let tag: Buffer;
  let size: number;
  try {
    size = (await handle.stat()).size;
    const head = Buffer.alloc(Math.min(size, 8 + MAX_HEADER_BYTES));
    await handle.read(head, 0, head.length, 0);
    ({ header, prefix } = parseHeader(head, where));
    if (size < prefix.length + TAG_BYTES) throw new ObjectIntegrityError(where.url, where.key, "truncated");
    tag = Buffer.alloc(TAG_BYTES);
    await handle.read(tag, 0, TAG_BYTES, size - TAG_BYTES);
  } finally {
    await handle.close();
  }
  const decipher = createDecipheriv(
    "aes-256-gcm",
    await dataKeyOf(keystore, header, where),
    Buffer.from(header.iv, "base64"),
  );
  decipher.setAAD(prefix);
  decipher.setAuthTag(tag);
  if (size === prefix.length + TAG_BYTES) {
    // An empty body: a read stream with end < start would read the whole file.
    const plain = Buffer.concat([decipher.update(Buffer.alloc(0)), finalOrThrow(decipher, where)]);
    await writeFile(dst, plain, { flag: "wx" });
    return;
  }
  try {
    await pipeline(
      createReadStream(src, { start: prefix.length, end: size - TAG_BYTES - 1, highWaterMark: CHUNK }),
      decipher,
      createWriteStream(dst, { flags: "wx" }),
    );
  } catch (err) {
    throw new ObjectIntegrityError(where.url, where.key, "authentication failed", { cause: err });
  }
}

function finalOrThrow(decipher: ReturnType<typeof createDecipheriv>, where: Where): Buffer {
  try {
    return decipher.final();
  } catch (err) {
    throw new ObjectIntegrityError(where.url, where.key, "authentication failed", { cause: err });
  }
}
