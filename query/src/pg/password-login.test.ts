// Which exchange a login gets, and its refusals: SCRAM for plaintext secrets and unknown users, cleartext for a
// workspace given only as digests (or when asked), 28P01 for a wrong cleartext password.
import { describe, expect, it } from "vitest";
import { tokenDigest } from "../server/workspace-tokens.js";
import { PasswordLogin } from "./password-login.js";
import { parsePgCredentials } from "./pg-credentials.js";

const credentials = parsePgCredentials({
  workspaces: { plain: "plain-secret-0123456789", hashed: tokenDigest("hashed-secret-0123456789") },
});
/** The authentication request code of an 'R' message: 3 cleartext, 10 SASL. */
const requestCode = (frame: Buffer) => frame.readInt32BE(5);
const password = (text: string) => ({ type: "p", body: Buffer.from(`${text}\0`) });

describe("PasswordLogin", () => {
  it("asks for SCRAM when it can, else for a cleartext password", () => {
    expect(requestCode(new PasswordLogin(credentials, "scram-sha-256", "plain").request())).toBe(10);
    expect(requestCode(new PasswordLogin(credentials, "scram-sha-256", "nobody").request())).toBe(10);
    expect(requestCode(new PasswordLogin(credentials, "scram-sha-256", "hashed").request())).toBe(3);
    expect(requestCode(new PasswordLogin(credentials, "password", "plain").request())).toBe(3);
  });

  it("checks a cleartext password against the workspace's secrets only", () => {
    const login = (ws: string) => new PasswordLogin(credentials, "password", ws);
    expect(login("hashed").next(password("hashed-secret-0123456789")).kind).toBe("accepted");
    expect(login("plain").next(password("hashed-secret-0123456789"))).toMatchObject({
      kind: "refused",
      code: "28P01",
    });
    expect(login("plain").next({ type: "Q", body: Buffer.from("SELECT 1\0") })).toMatchObject({
      kind: "refused",
      code: "08P01",
    });
  });
});
