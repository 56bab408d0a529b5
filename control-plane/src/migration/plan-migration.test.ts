import { describe, expect, it } from "vitest";
import type { DirectoryEntry } from "../directory/directory-entry.js";
import { isControlPlaneError } from "../errors.js";
import { planMigration } from "./plan-migration.js";

const entry = (regions: string[], state: DirectoryEntry["state"] = "ONLINE"): DirectoryEntry => ({
  workspaceId: "w",
  realm: "global",
  regions,
  state,
  deletionGeneration: "0",
  keyId: undefined,
  erasedResources: [],
  seq: 1,
});

describe("planMigration", () => {
  it("moves between single regions: copy to the new one, delete from the old one", () => {
    expect(planMigration(entry(["eu"]), ["us"])).toMatchObject({
      add: ["us"],
      remove: ["eu"],
      keep: [],
      source: "eu",
    });
  });
  it("global -> one region copies nothing and deletes only the region left (the blog's activity-global case)", () => {
    expect(planMigration(entry(["us-east-1", "eu-west-1"]), ["us-east-1"])).toMatchObject({
      add: [],
      remove: ["eu-west-1"],
      keep: ["us-east-1"],
    });
  });
  it("one region -> global copies to the region gained and deletes nothing", () => {
    expect(planMigration(entry(["us-east-1"]), ["us-east-1", "eu-west-1"])).toMatchObject({
      add: ["eu-west-1"],
      remove: [],
      keep: ["us-east-1"],
    });
  });
  it("refuses a workspace that is not ONLINE, a move to where it is, and bad regions, with typed errors", () => {
    for (const [e, to, message] of [
      [entry(["eu"], "MIGRATING"), ["us"], /is MIGRATING/],
      [entry(["eu"], "ERASED"), ["us"], /is ERASED/],
      [entry(["eu"]), ["eu"], /already lives in eu/],
      [entry(["eu"]), ["EU"], /region "EU"/],
      [entry(["eu"]), [], /at least one region/],
    ] as const) {
      let err: unknown;
      try {
        planMigration(e, to);
      } catch (x) {
        err = x;
      }
      expect(isControlPlaneError(err)).toBe(true);
      expect(String(err)).toMatch(message);
    }
  });
});
