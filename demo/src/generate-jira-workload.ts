// The demo's workload: company workspaces spread over the regions, each with a team, a few Jira projects, issues
// (skewed: a few big customers, many small ones) and Confluence pages, told as changes over six months. One seed
// gives one workload; `size` scales the number of workspaces (so the number of changes) linearly. Pure: no I/O,
// no clock, no Math.random: the delivery (order, duplicates) is someone else's seed.

import { pageHistory } from "./confluence-page-history.js";
import type { DemoChange, DemoEntity } from "./demo-change.js";
import { issueHistory } from "./jira-issue-history.js";
import { projectHistory } from "./jira-project-history.js";
import { COMPANIES, PAGE_TITLES, PEOPLE, PROJECTS } from "./jira-vocabulary.js";
import { createDice } from "./seeded-dice.js";

export interface JiraWorkloadOptions {
  readonly seed: number;
  /** Scales the workload linearly: round(workspacesPerSize * size) workspaces (at least one per region). */
  readonly size: number;
  readonly regions: readonly string[];
  readonly workspacesPerSize: number;
  /** Mean issues of a workspace; actual counts are skewed from a quarter to two and a half times it. */
  readonly meanIssuesPerWorkspace: number;
  /** Share of workspaces with an exported API reference page (the first workspace always has one). */
  readonly largePageShare: number;
  /** Smallest body of an exported page: above the producer's 256 KiB offload threshold. */
  readonly largePageBytes: number;
  readonly deleteShare: number;
  /** Share of deleted issues restored from the trash (a new generation). */
  readonly restoreShare: number;
  /** The calendar, ms since the epoch: July to December 2025 by default. */
  readonly from: number;
  readonly to: number;
}

export const DEFAULT_JIRA_WORKLOAD_OPTIONS: Readonly<Omit<JiraWorkloadOptions, "regions">> = Object.freeze({
  seed: 1,
  size: 1,
  workspacesPerSize: 30,
  meanIssuesPerWorkspace: 28,
  largePageShare: 0.3,
  largePageBytes: 280 * 1024,
  deleteShare: 0.05,
  restoreShare: 0.3,
  from: Date.UTC(2025, 6, 1),
  to: Date.UTC(2026, 0, 1),
});

export interface DemoWorkspace {
  readonly id: string;
  readonly region: string;
  readonly issues: number;
  /** Issues DONE at the end of the calendar and not deleted. */
  readonly resolved: number;
}

export interface WorkloadStats {
  /** Distinct resources per entity. */
  readonly resources: Readonly<Record<DemoEntity, number>>;
  readonly changes: number;
  /** Resources whose last change is a deletion. */
  readonly deleted: number;
  /** Issues deleted and then restored as a new generation. */
  readonly restored: number;
  readonly resolved: number;
  /** Pages whose bodies are large enough to be offloaded. */
  readonly largePages: number;
}

export interface JiraWorkload {
  readonly options: JiraWorkloadOptions;
  readonly workspaces: readonly DemoWorkspace[];
  /** Every change once, resource by resource in version order: the delivery plan indexes into it. */
  readonly changes: readonly DemoChange[];
  readonly stats: WorkloadStats;
}

export function workspaceId(index: number): string {
  const base = COMPANIES[index % COMPANIES.length] ?? "workspace";
  const round = Math.floor(index / COMPANIES.length);
  return round === 0 ? base : `${base}-${round + 1}`;
}

export function generateJiraWorkload(
  options: Partial<JiraWorkloadOptions> & Pick<JiraWorkloadOptions, "regions">,
): JiraWorkload {
  const o: JiraWorkloadOptions = { ...DEFAULT_JIRA_WORKLOAD_OPTIONS, ...options };
  if (o.regions.length === 0) throw new RangeError("the workload needs at least one region");
  if (!(o.size > 0)) throw new RangeError(`size must be positive, got ${o.size}`);
  const dice = createDice(o.seed);
  const count = Math.max(o.regions.length, Math.round(o.workspacesPerSize * o.size));
  const regionOf = dice.shuffle(
    Array.from({ length: count }, (_, i) => o.regions[i % o.regions.length] ?? ""),
  );
  const changes: DemoChange[] = [];
  const workspaces: DemoWorkspace[] = [];
  const resources = { JiraProject: 0, JiraIssue: 0, ConfluencePage: 0 };
  let deleted = 0;
  let restored = 0;
  let largePages = 0;

  for (let w = 0; w < count; w++) {
    const ws = workspaceId(w);
    const people = dice.some(PEOPLE, dice.int(4, 9));
    const skew = 0.25 + 2.25 * dice.next() ** 2;
    const issueTotal = Math.max(3, Math.round(o.meanIssuesPerWorkspace * skew));
    const projects = dice.some(PROJECTS, Math.min(5, 1 + Math.floor(issueTotal / 15))).map((template, i) => ({
      template,
      projectId: String(10000 + i),
      ari: `ari:cloud:jira:${ws}:project/${10000 + i}`,
      issues: 0,
    }));
    const issueAris: string[] = [];
    let resolved = 0;
    for (let n = 0; n < issueTotal; n++) {
      // The first projects get most of the issues, as in real workspaces.
      const project = projects[Math.floor(dice.next() ** 1.5 * projects.length)] ?? projects[0];
      if (project === undefined) break;
      project.issues++;
      const issueId = String(20000 + n);
      const history = issueHistory(dice, {
        workspaceId: ws,
        issueId,
        key: `${project.template.key}-${project.issues}`,
        projectAri: project.ari,
        people,
        from: o.from,
        to: o.to,
        deleteShare: o.deleteShare,
        restoreShare: o.restoreShare,
      });
      changes.push(...history.changes);
      issueAris.push(`ari:cloud:jira:${ws}:issue/${issueId}`);
      if (history.resolved) resolved++;
      if (history.deleted) deleted++;
      if (history.restored) restored++;
    }
    for (const p of projects)
      changes.push(
        ...projectHistory(dice, {
          workspaceId: ws,
          projectId: p.projectId,
          ari: p.ari,
          template: p.template,
          lead: dice.pick(people),
          from: o.from,
          to: o.to,
          issueCount: p.issues,
        }),
      );
    const homePageId = String(30000);
    const titles = dice.some(PAGE_TITLES, dice.int(1, 3));
    const large = w === 0 || dice.chance(o.largePageShare);
    if (large) titles.push("API reference (export)");
    titles.forEach((title, i) => {
      const space = projects[i % projects.length]?.template.key ?? "TEAM";
      const isLarge = large && i === titles.length - 1;
      const history = pageHistory(dice, {
        workspaceId: ws,
        pageId: String(30001 + i),
        spaceKey: space,
        title: `${title}: ${projects[i % projects.length]?.template.name ?? ws}`,
        homePageId,
        people,
        linkedIssues: dice.some(issueAris, dice.int(0, 3)),
        from: o.from,
        to: o.to,
        largeBytes: isLarge ? o.largePageBytes : undefined,
        deleteShare: o.deleteShare,
      });
      changes.push(...history);
      if (history.at(-1)?.value === undefined) deleted++;
      if (isLarge) largePages++;
    });
    resources.JiraIssue += issueTotal;
    resources.JiraProject += projects.length;
    resources.ConfluencePage += titles.length;
    workspaces.push({ id: ws, region: regionOf[w] ?? "", issues: issueTotal, resolved });
  }
  const resolved = workspaces.reduce((sum, w) => sum + w.resolved, 0);
  return {
    options: o,
    workspaces,
    changes,
    stats: { resources, changes: changes.length, deleted, restored, resolved, largePages },
  };
}

/** The workspace with the most resolved issues: the one whose analyst query says the most. */
export function showcaseWorkspace(workload: JiraWorkload): DemoWorkspace {
  const best = [...workload.workspaces].sort((a, b) => b.resolved - a.resolved || (a.id < b.id ? -1 : 1))[0];
  if (best === undefined) throw new Error("the workload has no workspace");
  return best;
}
