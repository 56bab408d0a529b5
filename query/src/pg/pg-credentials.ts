// Logins of the PostgreSQL endpoint: user name = workspace id, password = one of the workspace's secrets from the
// same JSON file as the HTTP endpoint's tokens ({"workspaces": {"<workspace>": "<secret>" | "sha256:<hex>" | [...]}}).
// Cleartext passwords are checked against SHA-256 digests (authorizeToken); SCRAM needs the plaintext secret, so a
// workspace given only as digests can log in with cleartext auth only. Never logs or echoes a secret.
import { readFile } from "node:fs/promises";
import { QueryArgumentError } from "../errors.js";
import { authorizeToken, parseWorkspaceTokens, type WorkspaceTokens } from "../server/workspace-tokens.js";
import { type ScramVerifier, scramVerifier } from "./scram-sha-256.js";

export interface PgCredentials {
  readonly tokens: WorkspaceTokens;
  /** SCRAM verifiers of the workspaces that have plaintext secrets. */
  readonly scram: ReadonlyMap<string, ScramVerifier>;
  readonly workspaces: readonly string[];
}

export function parsePgCredentials(value: unknown, source = "credentials"): PgCredentials {
  const tokens = parseWorkspaceTokens(value, source);
  const scram = new Map<string, ScramVerifier>();
  const map = (value as { workspaces: Record<string, unknown> }).workspaces;
  for (const [workspace, given] of Object.entries(map)) {
    const plain = (Array.isArray(given) ? given : [given]).filter(
      (s): s is string => typeof s === "string" && !s.startsWith("sha256:"),
    );
    if (plain.length > 0) scram.set(workspace, scramVerifier(plain));
  }
  return { tokens, scram, workspaces: tokens.workspaces };
}

export async function loadPgCredentials(path: string): Promise<PgCredentials> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new QueryArgumentError(
      "INVALID_ARGUMENT",
      `cannot read the credentials file ${path}: ${(err as Error).message}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new QueryArgumentError("INVALID_ARGUMENT", `${path} is not JSON: ${(err as Error).message}`);
  }
  return parsePgCredentials(json, path);
}

/** Whether a cleartext password opens the workspace (false for a valid secret of another workspace). */
export function checkCleartextPassword(
  credentials: PgCredentials,
  workspace: string,
  password: string,
): boolean {
  return authorizeToken(credentials.tokens, password, workspace) === "allowed";
}
