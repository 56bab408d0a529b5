// Key routing for both stores (the key id the store's route chooses over the caller's), and what the local store
// seals: the routed options plus the plaintext size when the body goes into an envelope (a key id and a keystore
// file), and whether a stored file is one.
import { open } from "node:fs/promises";
import type { KmsKeyRoute, PutOptions } from "../types.js";
import { encryptBytes, isEnvelope } from "./envelope.js";
import type { LocalKeystore } from "./local-keystore.js";

/** PutOptions plus the plaintext size when the body is stored as an envelope. */
export type Sealed = PutOptions & { readonly plainSize?: number };

/** The options with the key id the route chooses (the caller's when there is no route). */
export function routeKmsKey(route: KmsKeyRoute | undefined, key: string, options: PutOptions): PutOptions {
  if (route === undefined) return options;
  const kmsKeyId = route(key, options.kmsKeyId);
  const { kmsKeyId: _, ...rest } = options;
  return kmsKeyId === undefined ? rest : { ...rest, kmsKeyId };
}

export function sealOptions(
  keystore: LocalKeystore,
  route: KmsKeyRoute | undefined,
  key: string,
  options: PutOptions,
  size: number,
): Sealed {
  const routed = routeKmsKey(route, key, options);
  if (routed.kmsKeyId === undefined || !keystore.exists()) return routed;
  return { ...routed, plainSize: size };
}

export async function sealBody(
  keystore: LocalKeystore,
  where: { readonly url: string; readonly key: string },
  body: Uint8Array,
  opts: Sealed,
): Promise<Uint8Array> {
  if (opts.plainSize === undefined || opts.kmsKeyId === undefined) return body;
  return encryptBytes(keystore, opts.kmsKeyId, body, where);
}

export async function startsWithEnvelope(path: string): Promise<boolean> {
  const handle = await open(path, "r");
  try {
    const head = Buffer.alloc(4);
    const { bytesRead } = await handle.read(head, 0, 4, 0);
    return isEnvelope(head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}
