// The life of one Jira issue as the demo tells it: created in TO_DO, moved through IN_PROGRESS and IN_REVIEW to
// DONE (or stopped on the way when the calendar ends), edited now and then (votes, watchers, labels, story
// points, custom fields), sometimes reopened, sometimes deleted, and now and then restored from the trash as a
// new generation. Each step is one change at a strictly later time, so versions grow with the story.
import { hlcVersion } from "@facsimile/bus";
import type { JiraIssueFieldInput, JiraIssueInput, JiraIssueStatus } from "@facsimile/schemas";
import type { ChangeOf } from "./demo-change.js";
import {
  COMPONENTS,
  DESCRIPTIONS,
  LABELS,
  SEVERITIES,
  SUMMARY_CONTEXTS,
  SUMMARY_OBJECTS,
  SUMMARY_VERBS,
  TEAMS,
} from "./jira-vocabulary.js";
import type { Dice } from "./seeded-dice.js";

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

export interface IssueContext {
  readonly workspaceId: string;
  readonly issueId: string;
  /** `<project key>-<n>`. */
  readonly key: string;
  readonly projectAri: string;
  readonly people: readonly string[];
  /** The workload's calendar, ms since the epoch: nothing happens at or after `to`. */
  readonly from: number;
  readonly to: number;
  /** Share of issues deleted at the end of their story, and share of those restored later. */
  readonly deleteShare: number;
  readonly restoreShare: number;
}

export interface IssueHistory {
  readonly changes: ChangeOf<"JiraIssue">[];
  /** DONE at the end and not deleted. */
  readonly resolved: boolean;
  readonly deleted: boolean;
  readonly restored: boolean;
}

const FLOW: readonly JiraIssueStatus[] = ["TO_DO", "IN_PROGRESS", "IN_REVIEW", "DONE"];
const STORY_POINTS: readonly number[] = [1, 2, 3, 5, 8, 13];

function withField(
  fields: readonly JiraIssueFieldInput[],
  fieldId: string,
  name: string,
  value: string | null,
  at: number,
): JiraIssueFieldInput[] {
  const field = { fieldId, name, value, updatedAt: new Date(at) };
  const i = fields.findIndex((f) => f.fieldId === fieldId);
  return i < 0 ? [...fields, field] : fields.map((f, j) => (j === i ? field : f));
}

export function issueHistory(dice: Dice, ctx: IssueContext): IssueHistory {
  const ari = `ari:cloud:jira:${ctx.workspaceId}:issue/${ctx.issueId}`;
  const changes: ChangeOf<"JiraIssue">[] = [];
  let t = ctx.from + Math.floor(dice.next() * (ctx.to - ctx.from - 3 * DAY_MS));
  const bug = dice.chance(0.4);
  const labels = dice.some(
    LABELS.filter((l) => l !== "bug"),
    dice.int(0, 2),
  );
  if (bug) labels.unshift("bug");
  let fields = withField([], "customfield_10010", "Team", dice.pick(TEAMS), t);
  fields = withField(fields, "customfield_10020", "Component", dice.pick(COMPONENTS), t);
  if (bug) fields = withField(fields, "customfield_10030", "Severity", dice.pick(SEVERITIES), t);
  let issue: JiraIssueInput = {
    issueId: ctx.issueId,
    key: ctx.key,
    project: ctx.projectAri,
    summary: `${dice.pick(SUMMARY_VERBS)} ${dice.pick(SUMMARY_OBJECTS)}${dice.pick(SUMMARY_CONTEXTS)}`,
    description: dice.chance(0.8) ? dice.pick(DESCRIPTIONS) : null,
    status: "TO_DO",
    classification: labels.includes("security") ? "CONFIDENTIAL" : dice.chance(0.05) ? "PUBLIC" : "INTERNAL",
    assignee: dice.chance(0.4) ? dice.pick(ctx.people) : null,
    reporter: dice.pick(ctx.people),
    labels,
    fields,
    voteCount: 0,
    watchCount: 1,
    createdAt: new Date(t),
    updatedAt: new Date(t),
  };
  let generation = 0n;
  const record = (value: JiraIssueInput | undefined): void => {
    changes.push({
      entity: "JiraIssue",
      workspaceId: ctx.workspaceId,
      resourceAri: ari,
      version: hlcVersion(t, 0),
      generation,
      value,
    });
  };
  /** Moves the clock on; false when the calendar ends first (the story stops there). */
  const later = (minHours: number, maxHours: number): boolean => {
    t += Math.floor((minHours + dice.next() * (maxHours - minHours)) * HOUR_MS);
    return t < ctx.to;
  };
  const update = (patch: Partial<JiraIssueInput>): void => {
    issue = { ...issue, ...patch, updatedAt: new Date(t) };
    record(issue);
  };
  record(issue);

  const roll = dice.next();
  const target = roll < 0.25 ? 0 : roll < 0.4 ? 1 : roll < 0.5 ? 2 : 3;
  let step = 0;
  let reopened = false;
  while (step < target && later(4, 240)) {
    if (dice.chance(0.35)) {
      update({ voteCount: issue.voteCount + dice.int(1, 5), watchCount: Number(issue.watchCount) + 1 });
      if (!later(1, 48)) break;
    }
    step++;
    const status = FLOW[step] ?? "DONE";
    if (status === "IN_PROGRESS") {
      fields = withField(issue.fields, "customfield_10040", "Sprint", `Sprint ${dice.int(20, 48)}`, t);
      update({
        status,
        assignee: issue.assignee ?? dice.pick(ctx.people),
        storyPoints: dice.pick(STORY_POINTS),
        fields,
        resolvedAt: undefined,
      });
    } else if (status === "DONE") {
      update({ status, resolvedAt: new Date(t) });
      if (!reopened && dice.chance(0.06) && later(24, 120)) {
        // Reopened: the fix did not hold. Back to work, resolved again later (if the calendar allows).
        reopened = true;
        step = 1;
        update({ status: "IN_PROGRESS", resolvedAt: undefined, labels: [...issue.labels, "regression"] });
      }
    } else update({ status });
  }

  let deleted = false;
  let restored = false;
  if (dice.chance(ctx.deleteShare) && later(1, 72)) {
    deleted = true;
    record(undefined);
    if (dice.chance(ctx.restoreShare) && later(2, 96)) {
      // Restored from the trash: a new generation, which outranks every version of the deleted one.
      restored = true;
      generation = 1n;
      update({});
    }
  }
  const alive = !deleted || restored;
  return { changes, resolved: alive && issue.status === "DONE", deleted: deleted && !restored, restored };
}
