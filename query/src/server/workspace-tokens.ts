// Bearer tokens of the query endpoint: each token opens exactly one workspace. Tokens are kept as SHA-256
// digests and compared in constant time against every entry (no early exit), so neither a token nor which
// workspace it belongs to can be probed by timing. Must never log or echo a token.
import { createHash, timingSafeEqual } from "node:crypto";
import { readFile } from "node:fs/promises";
import { WORKSPACE_PATTERN } from "../catalog/plan-workspace-view.js";
import { QueryArgumentError } from "../errors.js";

interface TokenEntry {
  readonly workspace: string;
  readonly digest: Buffer;
}

export interface WorkspaceTokens {
  readonly entries: readonly TokenEntry[];
  readonly workspaces: readonly string[];
}

/** Plaintext tokens shorter than this are refused: they could be guessed. */
export const MIN_TOKEN_LENGTH = 16;

const DIGEST = /^sha256:([0-9a-f]{64})$/;

function digestOf(token: string): Buffer {
  return createHash("sha256").update(token, "utf8").digest();
}

/** The SHA-256 form of a token, for a tokens file that holds no plaintext: "sha256:<hex>". */
export function tokenDigest(token: string): string {
  return `sha256:${digestOf(token).toString("hex")}`;
}

/**
 * Reads `{ "workspaces": { "<workspace>": "<token>" | "sha256:<hex>" | [ ... ] } }`. Each token (or digest) may
 * belong to one workspace only.
 */
export function parseWorkspaceTokens(value: unknown, source = "tokens"): WorkspaceTokens {
  const bad = (detail: string) =>
    new QueryArgumentError("INVALID_ARGUMENT", `${source}: ${detail}`, { source });
  const map = (value as { workspaces?: unknown } | null)?.workspaces;
  if (map === null || typeof map !== "object" || Array.isArray(map))
    throw bad('expected {"workspaces": {"<workspace id>": "<token>" | ["<token>", ...]}}');
  const entries: TokenEntry[] = [];
  const seen = new Set<string>();
  for (const [workspace, given] of Object.entries(map as Record<string, unknown>)) {
    if (!WORKSPACE_PATTERN.test(workspace)) throw bad(`invalid workspace id ${JSON.stringify(workspace)}`);
    const list = Array.isArray(given) ? given : [given];
    if (list.length === 0) throw bad(`workspace ${workspace} has no token`);
    for (const token of list) {
      if (typeof token !== "string") throw bad(`the tokens of workspace ${workspace} must be strings`);
      const hashed = DIGEST.exec(token)?.[1];
      if (hashed === undefined && token.length < MIN_TOKEN_LENGTH)
        throw bad(`a token of workspace ${workspace} is shorter than ${MIN_TOKEN_LENGTH} characters`);
      const digest = hashed === undefined ? digestOf(token) : Buffer.from(hashed, "hex");
      const hex = digest.toString("hex");
      if (seen.has(hex))
        throw bad(`a token is given twice (workspace ${workspace}): one token, one workspace`);
      seen.add(hex);
      entries.push({ workspace, digest });
    }
  }
  return { entries, workspaces: [...new Set(entries.map((e) => e.workspace))] };
}

export async function loadWorkspaceTokens(path: string): Promise<WorkspaceTokens> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new QueryArgumentError(
      "INVALID_ARGUMENT",
      `cannot read the tokens file ${path}: ${(err as Error).message}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new QueryArgumentError("INVALID_ARGUMENT", `${path} is not JSON: ${(err as Error).message}`);
  }
  return parseWorkspaceTokens(json, path);
}

export type TokenDecision = "allowed" | "unauthenticated" | "forbidden";

/** Whether `presented` opens `workspace`: "forbidden" when it is a valid token of another workspace. */
export function authorizeToken(
  tokens: WorkspaceTokens,
  presented: string | undefined,
  workspace: string,
): TokenDecision {
  if (presented === undefined || presented === "") return "unauthenticated";
  const digest = digestOf(presented);
  let owner: string | undefined;
  for (const entry of tokens.entries) if (timingSafeEqual(digest, entry.digest)) owner = entry.workspace;
  if (owner === undefined) return "unauthenticated";
  return owner === workspace ? "allowed" : "forbidden";
}
