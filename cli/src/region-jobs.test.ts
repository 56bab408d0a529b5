import type { DirectoryEntry, MigrationJob } from "@facsimile/control-plane";
import { describe, expect, it } from "vitest";
import { formatRegionJobs, regionJobs } from "./region-jobs.js";

function job(id: string, step: MigrationJob["step"], from: string[], to: string[]): MigrationJob {
  return {
    id,
    kind: "migrate",
    plan: {
      workspaceId: `ws-${id}`,
      from,
      to,
      add: to.filter((r) => !from.includes(r)),
      remove: from.filter((r) => !to.includes(r)),
      keep: from.filter((r) => to.includes(r)),
      source: from[0] as string,
    },
    step,
    progress: `at ${step}`,
    done: 1,
    total: 4,
    actor: "t",
    reason: "t",
    createdAt: "2026-01-01T00:00:00Z",
    updatedAt: "2026-01-01T00:00:00Z",
  };
}

function entry(id: string, state: DirectoryEntry["state"], regions: string[]): DirectoryEntry {
  return {
    workspaceId: id,
    realm: "global",
    regions,
    state,
    deletionGeneration: "7",
    keyId: undefined,
    erasedResources: [],
    seq: 1,
  } as DirectoryEntry;
}

describe("regionJobs", () => {
  it("lists unfinished migrations touching the region and erasures in flight there, nothing else", () => {
    const jobs = [
      job("a", "copied", ["eu"], ["us"]),
      job("b", "switched", ["us"], ["eu"]),
      job("c", "deleted", ["eu"], ["us"]),
      job("d", "rolled-back", ["eu"], ["us"]),
      job("e", "planned", ["ap"], ["us"]),
    ];
    const entries = [
      entry("ws-x", "ERASING", ["eu"]),
      entry("ws-y", "ERASING", ["us"]),
      entry("ws-z", "ONLINE", ["eu"]),
      entry("ws-a", "MIGRATING", ["eu"]),
      entry("ws-m", "MIGRATING", ["eu"]),
    ];
    const eu = regionJobs("eu", jobs, entries);
    expect(eu.map((j) => `${j.kind}:${j.id}:${j.step}`)).toEqual([
      "migrate:a:copied",
      "migrate:b:switched",
      "erase:ws-x:ERASING",
      // MIGRATING with no job of this lake (ws-a has job a).
      "migrate:ws-m:MIGRATING",
    ]);
    expect(eu[0]?.detail).toBe("eu -> us");
    expect(eu[2]?.detail).toBe("deletion generation 7");
    expect(regionJobs("ap", jobs, entries).map((j) => j.id)).toEqual(["e"]);
    expect(formatRegionJobs([])).toEqual(["  jobs: none in flight"]);
    expect(formatRegionJobs(eu)[0]).toBe("  jobs: 4 in flight");
  });
});
