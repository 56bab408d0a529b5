// The life of one Jira project: created before the workload's calendar starts, its description edited once the
// team settles in, its issue count brought up to date at the end, and now and then archived. Projects are never
// deleted: their issues keep pointing at them, which the analyst query's join relies on.
import { hlcVersion } from "@facsimile/bus";
import type { JiraProjectInput } from "@facsimile/schemas";
import type { ChangeOf } from "./demo-change.js";
import { DAY_MS } from "./jira-issue-history.js";
import type { ProjectTemplate } from "./jira-vocabulary.js";
import type { Dice } from "./seeded-dice.js";

export interface ProjectContext {
  readonly workspaceId: string;
  readonly projectId: string;
  readonly ari: string;
  readonly template: ProjectTemplate;
  readonly lead: string;
  readonly from: number;
  readonly to: number;
  /** Issues created in the project over the calendar. */
  readonly issueCount: number;
}

export function projectHistory(dice: Dice, ctx: ProjectContext): ChangeOf<"JiraProject">[] {
  const changes: ChangeOf<"JiraProject">[] = [];
  const created = ctx.from - dice.int(7, 90) * DAY_MS;
  let project: JiraProjectInput = {
    projectId: ctx.projectId,
    key: ctx.template.key,
    name: ctx.template.name,
    description: null,
    lead: ctx.lead,
    projectType: ctx.template.type,
    issueCount: 0,
    archived: false,
    createdAt: new Date(created),
    updatedAt: new Date(created),
  };
  const record = (at: number, patch: Partial<JiraProjectInput>): void => {
    project = { ...project, ...patch, updatedAt: new Date(at) };
    changes.push({
      entity: "JiraProject",
      workspaceId: ctx.workspaceId,
      resourceAri: ctx.ari,
      version: hlcVersion(at, 0),
      generation: 0n,
      value: project,
    });
  };
  record(created, {});
  const edited = ctx.from + dice.int(1, 30) * DAY_MS;
  record(edited, { description: ctx.template.description, issueCount: Math.floor(ctx.issueCount / 3) });
  const closing = ctx.to - dice.int(1, 5) * DAY_MS;
  record(closing, { issueCount: ctx.issueCount, archived: dice.chance(0.08) });
  return changes;
}
