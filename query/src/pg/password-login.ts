// The password exchange of one login, as a pure state machine: the first request (cleartext or SASL with
// SCRAM-SHA-256), then each client password message in, the frames to answer out, until the login is accepted or
// refused. A workspace whose secrets are only sha256 digests gets cleartext (SCRAM needs the plaintext); an
// unknown user gets SCRAM with a made-up salt and fails like a wrong password. Never keeps a password.
import * as B from "./backend-messages.js";
import { BodyReader, type TypedMessage } from "./frontend-messages.js";
import { checkCleartextPassword, type PgCredentials } from "./pg-credentials.js";
import { SCRAM_MECHANISM, ScramError, ScramExchange, unknownUserVerifier } from "./scram-sha-256.js";
import { SQLSTATE } from "./sqlstate.js";

export type PgAuthMethod = "scram-sha-256" | "password";

export type LoginStep =
  | { readonly kind: "continue"; readonly frames: readonly Buffer[] }
  /** Accepted: send `frames` (SASL final), then AuthenticationOk. */
  | { readonly kind: "accepted"; readonly frames: readonly Buffer[] }
  | { readonly kind: "refused"; readonly code: string; readonly message: string };

export class PasswordLogin {
  private state: "password" | "sasl-first" | "sasl-final";
  private readonly scram: ScramExchange | undefined;

  constructor(
    private readonly credentials: PgCredentials,
    auth: PgAuthMethod,
    private readonly workspace: string,
  ) {
    const plain =
      auth === "password" ||
      (!credentials.scram.has(workspace) &&
        credentials.tokens.entries.some((e) => e.workspace === workspace));
    this.state = plain ? "password" : "sasl-first";
    this.scram = plain
      ? undefined
      : new ScramExchange(credentials.scram.get(workspace) ?? unknownUserVerifier());
  }

  /** The authentication request that starts the exchange. */
  request(): Buffer {
    return this.state === "password"
      ? B.authenticationCleartextPassword()
      : B.authenticationSasl([SCRAM_MECHANISM]);
  }

  next(m: TypedMessage): LoginStep {
    if (m.type !== "p")
      return {
        kind: "refused",
        code: SQLSTATE.PROTOCOL_VIOLATION,
        message: `expected a password message, got '${m.type}'`,
      };
    const failed: LoginStep = {
      kind: "refused",
      code: SQLSTATE.INVALID_PASSWORD,
      message: `password authentication failed for user "${this.workspace}"`,
    };
    if (this.state === "password")
      return checkCleartextPassword(this.credentials, this.workspace, new BodyReader(m.body).cstring())
        ? { kind: "accepted", frames: [] }
        : failed;
    const scram = this.scram as ScramExchange;
    try {
      if (this.state === "sasl-first") {
        const r = new BodyReader(m.body);
        const mechanism = r.cstring();
        if (mechanism !== SCRAM_MECHANISM)
          return {
            kind: "refused",
            code: "28000",
            message: `unsupported SASL mechanism ${mechanism}: use ${SCRAM_MECHANISM}`,
          };
        const length = r.int32();
        const data = length < 0 ? "" : r.bytes(length).toString("utf8");
        const reply = B.authenticationSaslContinue(scram.start(data));
        this.state = "sasl-final";
        return { kind: "continue", frames: [reply] };
      }
      const final = scram.finish(m.body.toString("utf8"));
      return final === undefined ? failed : { kind: "accepted", frames: [B.authenticationSaslFinal(final)] };
    } catch (err) {
      if (err instanceof ScramError) return { kind: "refused", code: "28000", message: err.message };
      throw err;
    }
  }
}
