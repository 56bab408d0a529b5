// The demo's workload is a pure function of its seed and size: checked for determinism, linear scaling,
// validity against the generated producer validators, the story's invariants (versions grow, resolvedAt only
// on DONE, the calendar), offload-sized pages, and every region getting workspaces.
import { DEFAULT_PRODUCER_OPTIONS } from "@facsimile/producer-sdk";
import { encodeEntity, loadDefaultRegistry, validators } from "@facsimile/schemas";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_JIRA_WORKLOAD_OPTIONS,
  generateJiraWorkload,
  showcaseWorkspace,
  workspaceId,
} from "./generate-jira-workload.js";

const regions = ["us", "eu", "apac"];

describe("generateJiraWorkload", () => {
  it("gives the same changes for the same seed and different ones for another seed", () => {
    const a = generateJiraWorkload({ seed: 5, size: 0.2, regions });
    const b = generateJiraWorkload({ seed: 5, size: 0.2, regions });
    const c = generateJiraWorkload({ seed: 6, size: 0.2, regions });
    expect(b.changes).toEqual(a.changes);
    expect(b.workspaces).toEqual(a.workspaces);
    expect(c.changes).not.toEqual(a.changes);
  });

  it("scales linearly with size and spreads the workspaces over every region", () => {
    const one = generateJiraWorkload({ seed: 1, size: 1, regions });
    const two = generateJiraWorkload({ seed: 1, size: 2, regions });
    expect(one.workspaces).toHaveLength(30);
    expect(two.workspaces).toHaveLength(60);
    expect(two.changes.length / one.changes.length).toBeGreaterThan(1.6);
    expect(two.changes.length / one.changes.length).toBeLessThan(2.4);
    for (const r of regions) expect(one.workspaces.filter((w) => w.region === r)).toHaveLength(10);
    expect(new Set(two.workspaces.map((w) => w.id)).size).toBe(60);
    expect(workspaceId(30)).toBe("acme-2");
  });

  it("only makes values the producer's validators accept", () => {
    const w = generateJiraWorkload({ seed: 3, size: 0.3, regions });
    let states = 0;
    for (const c of w.changes) {
      if (c.value === undefined) continue;
      states++;
      const result = validators[c.entity].safeParse(c.value);
      expect(result.success, `${c.resourceAri}: ${JSON.stringify(result.error?.issues)}`).toBe(true);
    }
    expect(states).toBeGreaterThan(w.changes.length * 0.9);
  });

  it("tells consistent stories: growing versions, resolvedAt exactly on DONE, dates in the calendar", () => {
    const w = generateJiraWorkload({ seed: 2, size: 0.5, regions });
    const last = new Map<string, { generation: bigint; version: bigint }>();
    const { from, to } = DEFAULT_JIRA_WORKLOAD_OPTIONS;
    for (const c of w.changes) {
      const before = last.get(c.resourceAri);
      if (before !== undefined)
        expect(c.generation > before.generation || c.version > before.version, c.resourceAri).toBe(true);
      last.set(c.resourceAri, c);
      if (c.entity !== "JiraIssue" || c.value === undefined) continue;
      expect(c.value.resolvedAt !== undefined, c.resourceAri).toBe(c.value.status === "DONE");
      expect(c.value.updatedAt.getTime()).toBeGreaterThanOrEqual(c.value.createdAt.getTime());
      expect(c.value.updatedAt.getTime()).toBeLessThan(to);
      expect(c.value.createdAt.getTime()).toBeGreaterThanOrEqual(from);
      expect(c.value.key).toMatch(/^[A-Z]+-\d+$/);
    }
    expect(
      w.stats.resources.JiraIssue + w.stats.resources.JiraProject + w.stats.resources.ConfluencePage,
    ).toBe(last.size);
    const deletedAtEnd = [...last.keys()].filter(
      (ari) => w.changes.filter((c) => c.resourceAri === ari).at(-1)?.value === undefined,
    );
    expect(deletedAtEnd).toHaveLength(w.stats.deleted);
    expect(w.stats.deleted).toBeGreaterThan(0);
    expect(w.stats.resolved).toBe(w.workspaces.reduce((s, x) => s + x.resolved, 0));
    expect(showcaseWorkspace(w).resolved).toBe(Math.max(...w.workspaces.map((x) => x.resolved)));
  });

  it("makes some payloads larger than the producer's offload threshold, and most far smaller", () => {
    const registry = loadDefaultRegistry();
    const w = generateJiraWorkload({ seed: 1, size: 0.2, regions });
    const sizes = w.changes.flatMap((c) =>
      c.value === undefined ? [] : [encodeEntity(registry, c.entity, c.value).length],
    );
    const large = sizes.filter((n) => n > DEFAULT_PRODUCER_OPTIONS.offloadThresholdBytes);
    expect(large.length).toBeGreaterThanOrEqual(w.stats.largePages);
    expect(w.stats.largePages).toBeGreaterThan(0);
    expect(large.length).toBeLessThan(sizes.length / 10);
  });
});
