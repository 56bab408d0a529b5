import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidAriError } from "../errors.js";
import { type Ari, isValidAri, workspaceAri } from "./ari.js";
import { formatAri } from "./format-ari.js";
import { parseAri, tryParseAri } from "./parse-ari.js";
import { workspaceAriString, workspaceKey } from "./workspace-key.js";

const lower = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz".split(""));
const segment = fc.tuple(lower, fc.stringMatching(/^[a-z0-9-]{0,20}$/)).map(([a, b]) => a + b);
const anyAri: fc.Arbitrary<Ari> = fc.record({
  product: segment,
  workspaceId: fc.oneof(fc.constant(""), fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,40}$/)),
  resourceType: segment,
  resourceId: fc.stringMatching(/^[\x21-\x7e]{1,60}$/),
});

describe("ARI parse and format", () => {
  it("round-trips every valid ARI", () => {
    fc.assert(
      fc.property(anyAri, (ari) => {
        const text = formatAri(ari);
        expect(parseAri(text)).toEqual(ari);
        expect(formatAri(parseAri(text))).toBe(text);
      }),
    );
  });

  it("isValidAri agrees with parseAri on ARI-like strings", () => {
    const near = fc
      .array(fc.constantFrom(..."ari:cloud:jira:ws-1:issue/10 A_.-:/x".split("")), { maxLength: 40 })
      .map((cs) => cs.join(""));
    const prefixed = near.map((s) => `ari:cloud:${s}`);
    fc.assert(
      fc.property(fc.oneof(near, prefixed, anyAri.map(formatAri)), (text) => {
        expect(isValidAri(text)).toBe(tryParseAri(text) !== undefined);
      }),
      { numRuns: 5000 },
    );
  });

  it("reads the documented shape", () => {
    expect(parseAri("ari:cloud:jira:ws-1:issue/10042")).toEqual({
      product: "jira",
      workspaceId: "ws-1",
      resourceType: "issue",
      resourceId: "10042",
    });
    // The id may itself contain '/' and ':'.
    expect(parseAri("ari:cloud:confluence:ws:page/a/b:c").resourceId).toBe("a/b:c");
  });

  it.each([
    ["", "does not start"],
    ["ari:aws:jira:ws:issue/1", "does not start"],
    ["ari:cloud:jira:ws:issue", "no '/'"],
    ["ari:cloud:jira:ws:issue/", "resource id"],
    ["ari:cloud:Jira:ws:issue/1", "product"],
    ["ari:cloud:jira:w s:issue/1", "workspace id"],
    ["ari:cloud:jira:ws:Issue/1", "resource type"],
    ["ari:cloud:jira:ws:issue/a b", "resource id"],
    ["ari:cloud:jira", "workspace segment"],
    [`ari:cloud:jira:ws:issue/${"x".repeat(1100)}`, "longer than"],
  ])("rejects %j (%s)", (text, reason) => {
    expect(() => parseAri(text)).toThrow(InvalidAriError);
    expect(() => parseAri(text)).toThrow(reason);
    expect(tryParseAri(text)).toBeUndefined();
  });

  it("refuses to format invalid segments", () => {
    expect(() =>
      formatAri({ product: "jira", workspaceId: "", resourceType: "issue", resourceId: "" }),
    ).toThrow(InvalidAriError);
  });

  it("maps workspace ARIs to Kafka keys and back", () => {
    expect(workspaceAriString("ws-42")).toBe("ari:cloud:platform::workspace/ws-42");
    expect(workspaceKey("ari:cloud:platform::workspace/ws-42")).toBe("ws-42");
    expect(parseAri(workspaceAriString("ws-42"))).toEqual(workspaceAri("ws-42"));
    expect(() => workspaceKey("ari:cloud:jira:ws-42:issue/1")).toThrow("not a workspace ARI");
  });
});
