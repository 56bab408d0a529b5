import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { QueryArgumentError } from "../errors.js";
import {
  authorizeToken,
  loadWorkspaceTokens,
  parseWorkspaceTokens,
  tokenDigest,
} from "./workspace-tokens.js";

const ALPHA = "alpha-token-0123456789";
const BETA = "beta-token-0123456789ab";
const BETA_NEXT = "beta-rotated-token-9876";

describe("workspace tokens", () => {
  const tokens = parseWorkspaceTokens({
    workspaces: { "ws-alpha": ALPHA, "ws-beta": [tokenDigest(BETA), BETA_NEXT] },
  });

  it("opens a workspace with its own tokens, plaintext or stored as a digest", () => {
    expect(authorizeToken(tokens, ALPHA, "ws-alpha")).toBe("allowed");
    expect(authorizeToken(tokens, BETA, "ws-beta")).toBe("allowed");
    expect(authorizeToken(tokens, BETA_NEXT, "ws-beta")).toBe("allowed");
    expect(tokens.workspaces).toEqual(["ws-alpha", "ws-beta"]);
  });

  it("forbids another workspace's token and does not know missing or wrong ones", () => {
    expect(authorizeToken(tokens, BETA, "ws-alpha")).toBe("forbidden");
    expect(authorizeToken(tokens, ALPHA, "ws-gamma")).toBe("forbidden");
    expect(authorizeToken(tokens, "not-a-token-at-all-xx", "ws-alpha")).toBe("unauthenticated");
    expect(authorizeToken(tokens, `${ALPHA}x`, "ws-alpha")).toBe("unauthenticated");
    expect(authorizeToken(tokens, undefined, "ws-alpha")).toBe("unauthenticated");
    expect(authorizeToken(tokens, "", "ws-alpha")).toBe("unauthenticated");
  });

  it("refuses short tokens, a token shared by two workspaces, bad ids and bad shapes", () => {
    const bad = (value: unknown) => () => parseWorkspaceTokens(value, "t.json");
    expect(bad({ workspaces: { "ws-a": "short" } })).toThrow(/shorter than 16/);
    expect(bad({ workspaces: { "ws-a": ALPHA, "ws-b": tokenDigest(ALPHA) } })).toThrow(/given twice/);
    expect(bad({ workspaces: { "bad id": ALPHA } })).toThrow(/invalid workspace id/);
    expect(bad({ workspaces: { "ws-a": [] } })).toThrow(/no token/);
    expect(bad({ "ws-a": ALPHA })).toThrow(QueryArgumentError);
    expect(bad({ workspaces: { "ws-a": 42 } })).toThrow(/must be strings/);
  });

  it("loads a tokens file and names it in errors", async () => {
    const dir = await mkdtemp(join(tmpdir(), "facsimile-tokens-"));
    try {
      await writeFile(join(dir, "ok.json"), JSON.stringify({ workspaces: { "ws-alpha": ALPHA } }));
      await writeFile(join(dir, "bad.json"), "{not json");
      expect(authorizeToken(await loadWorkspaceTokens(join(dir, "ok.json")), ALPHA, "ws-alpha")).toBe(
        "allowed",
      );
      await expect(loadWorkspaceTokens(join(dir, "bad.json"))).rejects.toThrow(/bad\.json is not JSON/);
      await expect(loadWorkspaceTokens(join(dir, "missing.json"))).rejects.toThrow(
        /cannot read the tokens file/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
