// The server side of SCRAM-SHA-256 (RFC 5802 / RFC 7677) as PostgreSQL uses it: one salt and iteration count per
// workspace, a stored key and server key per secret (a workspace may have several secrets; the client's proof is
// checked against each, in constant time and without an early exit). Never keeps or logs a plaintext after the
// verifiers are derived. An unknown user gets a made-up salt and fails at the proof, as a wrong password would.
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from "node:crypto";

export const SCRAM_MECHANISM = "SCRAM-SHA-256";
/** PostgreSQL's default iteration count. */
export const SCRAM_ITERATIONS = 4096;

export interface ScramVerifier {
  readonly salt: Buffer;
  readonly iterations: number;
  readonly keys: readonly { readonly storedKey: Buffer; readonly serverKey: Buffer }[];
}

const hmac = (key: Buffer, text: string): Buffer => createHmac("sha256", key).update(text, "utf8").digest();
const sha256 = (data: Buffer): Buffer => createHash("sha256").update(data).digest();

/** Verifiers of a workspace's secrets under one salt. */
export function scramVerifier(
  secrets: readonly string[],
  iterations = SCRAM_ITERATIONS,
  salt: Buffer = randomBytes(16),
): ScramVerifier {
  const keys = secrets.map((secret) => {
    const salted = pbkdf2Sync(Buffer.from(secret.normalize("NFKC"), "utf8"), salt, iterations, 32, "sha256");
    return { storedKey: sha256(hmac(salted, "Client Key")), serverKey: hmac(salted, "Server Key") };
  });
  return { salt, iterations, keys };
}

/** A verifier no proof matches: what an unknown user is challenged with. */
export function unknownUserVerifier(): ScramVerifier {
  return { salt: randomBytes(16), iterations: SCRAM_ITERATIONS, keys: [] };
}

export class ScramError extends Error {}

/** One SCRAM exchange: the client-first message in, the server-first out; the client-final in, the server-final out. */
export class ScramExchange {
  private clientFirstBare = "";
  private serverFirst = "";
  private nonce = "";
  private gs2Header = "";

  constructor(
    private readonly verifier: ScramVerifier,
    /** The server's part of the nonce (random; given only by tests replaying a known exchange). */
    private readonly serverNonce: string = randomBytes(18).toString("base64"),
  ) {}

  /** `data`: the client-first message ("n,,n=,r=<nonce>"). Returns the server-first message. */
  start(data: string): string {
    const match = /^([ny]),(?:a=[^,]*)?,(.*)$/.exec(data);
    if (match === null)
      throw new ScramError("malformed SCRAM client-first message (channel binding is not offered)");
    this.gs2Header = data.slice(0, data.length - (match[2] as string).length);
    this.clientFirstBare = match[2] as string;
    const clientNonce = /(?:^|,)r=([^,]+)/.exec(this.clientFirstBare)?.[1];
    if (clientNonce === undefined) throw new ScramError("the SCRAM client-first message has no nonce");
    this.nonce = clientNonce + this.serverNonce;
    this.serverFirst = `r=${this.nonce},s=${this.verifier.salt.toString("base64")},i=${this.verifier.iterations}`;
    return this.serverFirst;
  }

  /** `data`: the client-final message. Returns the server-final message, or undefined when the proof is wrong. */
  finish(data: string): string | undefined {
    const proofAt = data.lastIndexOf(",p=");
    if (proofAt < 0) throw new ScramError("the SCRAM client-final message has no proof");
    const withoutProof = data.slice(0, proofAt);
    const attrs = new Map(withoutProof.split(",").map((kv) => [kv.slice(0, 1), kv.slice(2)] as const));
    if (attrs.get("r") !== this.nonce) throw new ScramError("the SCRAM nonce does not match");
    if (attrs.get("c") !== Buffer.from(this.gs2Header, "utf8").toString("base64"))
      throw new ScramError("the SCRAM channel binding does not match the first message");
    const proof = Buffer.from(data.slice(proofAt + 3), "base64");
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    let matched: Buffer | undefined;
    for (const key of this.verifier.keys) {
      const signature = hmac(key.storedKey, authMessage);
      if (proof.length !== signature.length) continue;
      const clientKey = Buffer.alloc(signature.length);
      for (let i = 0; i < signature.length; i++)
        clientKey[i] = (proof[i] as number) ^ (signature[i] as number);
      if (timingSafeEqual(sha256(clientKey), key.storedKey)) matched = key.serverKey;
    }
    if (matched === undefined) return undefined;
    return `v=${hmac(matched, authMessage).toString("base64")}`;
  }
}
