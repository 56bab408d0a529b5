// SCRAM-SHA-256 as the server side: the exchange of RFC 7677's example replayed byte for byte, a wrong password
// and another secret refused, and several secrets of one workspace each accepted.
import { createHash, createHmac, pbkdf2Sync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ScramError, ScramExchange, scramVerifier } from "./scram-sha-256.js";

const hmac = (key: Buffer, text: string) => createHmac("sha256", key).update(text).digest();

/** A client's final message for `password`, computed independently of the server code. */
function clientFinal(password: string, clientFirstBare: string, serverFirst: string): string {
  const attrs = new Map(serverFirst.split(",").map((kv) => [kv[0], kv.slice(2)] as const));
  const salted = pbkdf2Sync(
    password,
    Buffer.from(attrs.get("s") ?? "", "base64"),
    Number(attrs.get("i")),
    32,
    "sha256",
  );
  const clientKey = hmac(salted, "Client Key");
  const withoutProof = `c=biws,r=${attrs.get("r")}`;
  const signature = hmac(
    createHash("sha256").update(clientKey).digest(),
    `${clientFirstBare},${serverFirst},${withoutProof}`,
  );
  const proof = Buffer.from(clientKey.map((b, i) => b ^ (signature[i] as number)));
  return `${withoutProof},p=${proof.toString("base64")}`;
}

describe("ScramExchange", () => {
  it("replays RFC 7677's example exchange", () => {
    const verifier = scramVerifier(["pencil"], 4096, Buffer.from("W22ZaJ0SNY7soEsUEjb6gQ==", "base64"));
    const exchange = new ScramExchange(verifier, "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0");
    expect(exchange.start("n,,n=user,r=rOprNGfwEbeRWgbNEkqO")).toBe(
      "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
    );
    expect(
      exchange.finish(
        "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
      ),
    ).toBe("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
  });

  it("accepts each secret of a workspace and refuses any other password", () => {
    const verifier = scramVerifier(["first-secret-0123456789", "second-secret-0123456789"], 64);
    for (const [password, accepted] of [
      ["first-secret-0123456789", true],
      ["second-secret-0123456789", true],
      ["wrong-secret-0123456789", false],
    ] as const) {
      const exchange = new ScramExchange(verifier);
      const first = "n=,r=clientnonce123";
      const serverFirst = exchange.start(`n,,${first}`);
      const final = exchange.finish(clientFinal(password, first, serverFirst));
      expect(final === undefined, password).toBe(!accepted);
    }
  });

  it("refuses a tampered nonce and a message without a proof", () => {
    const exchange = new ScramExchange(scramVerifier(["secret-0123456789abc"], 64));
    exchange.start("n,,n=,r=abc");
    expect(() => exchange.finish("c=biws,r=abcXYZ,p=AAAA")).toThrow(ScramError);
    expect(() => exchange.finish("c=biws,r=abc")).toThrow(ScramError);
  });
});
