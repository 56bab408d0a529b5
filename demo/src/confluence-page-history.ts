// The life of one Confluence page: a DRAFT, published (CURRENT), edited a few times, now and then archived or
// deleted. Some pages are exported API references whose body is hundreds of KiB: above the producer's offload
// threshold, so their payloads travel through the object store behind an offload pointer.
import { hlcVersion } from "@facsimile/bus";
import type { ConfluencePageInput } from "@facsimile/schemas";
import type { ChangeOf } from "./demo-change.js";
import { DAY_MS, HOUR_MS } from "./jira-issue-history.js";
import { API_RESOURCES, PAGE_PARAGRAPHS } from "./jira-vocabulary.js";
import type { Dice } from "./seeded-dice.js";

export interface PageContext {
  readonly workspaceId: string;
  readonly pageId: string;
  readonly spaceKey: string;
  readonly title: string;
  readonly homePageId: string;
  readonly people: readonly string[];
  /** ARIs of issues the page links to. */
  readonly linkedIssues: readonly string[];
  readonly from: number;
  readonly to: number;
  /** The body's size in bytes for an exported API reference; undefined for an ordinary page. */
  readonly largeBytes: number | undefined;
  readonly deleteShare: number;
}

/** An exported API reference of about `bytes` bytes; `revision` makes every version's text different. */
export function apiReferenceBody(pageId: string, revision: number, bytes: number): string {
  const parts = [`# API reference (export of page ${pageId}, revision ${revision})\n`];
  let size = parts[0]?.length ?? 0;
  for (let i = 0; size < bytes; i++) {
    const resource = API_RESOURCES[i % API_RESOURCES.length] ?? "issues";
    const section =
      `\n## GET /rest/api/3/${resource}/{id} (r${revision}.${i})\n` +
      `Returns one ${resource} record by id. Requires the read:${resource} scope. ` +
      "Responds 200 with the record, 404 when it does not exist or is not visible to the caller, " +
      "429 when the caller is rate limited (retry after the Retry-After header).\n" +
      `| field | type | notes |\n| id | string | stable |\n| updated | timestamp | ${revision}.${i} |\n`;
    parts.push(section);
    size += section.length;
  }
  return parts.join("");
}

export function pageHistory(dice: Dice, ctx: PageContext): ChangeOf<"ConfluencePage">[] {
  const ari = `ari:cloud:confluence:${ctx.workspaceId}:page/${ctx.pageId}`;
  const changes: ChangeOf<"ConfluencePage">[] = [];
  let t = ctx.from + Math.floor(dice.next() * (ctx.to - ctx.from - 10 * DAY_MS));
  const created = t;
  const author = dice.pick(ctx.people);
  const bodyOf = (revision: number): string =>
    ctx.largeBytes === undefined
      ? dice.some(PAGE_PARAGRAPHS, dice.int(2, 4)).join("\n\n")
      : apiReferenceBody(ctx.pageId, revision, ctx.largeBytes + dice.int(0, 64) * 1024);
  const pageAt = (
    revision: number,
    status: ConfluencePageInput["status"],
    body: string,
  ): ConfluencePageInput => ({
    pageId: ctx.pageId,
    spaceKey: ctx.spaceKey,
    title: ctx.title,
    body,
    status,
    classification: ctx.largeBytes === undefined ? "INTERNAL" : "PUBLIC",
    parentPageId: ctx.homePageId,
    ancestorIds: [ctx.homePageId],
    labels: ctx.largeBytes === undefined ? ["team"] : ["api", "export"],
    version: {
      number: revision,
      authorId: revision === 1 ? author : dice.pick(ctx.people),
      message: revision === 1 ? "first draft" : dice.pick(["typos", "new section", "review comments", null]),
      createdAt: new Date(t),
    },
    linkedIssues: [...ctx.linkedIssues],
    wordCount: Math.round(body.length / 6),
    hasInlineComments: revision === 1 ? null : dice.chance(0.3),
    createdAt: new Date(created),
    updatedAt: new Date(t),
  });
  const record = (value: ConfluencePageInput | undefined): void => {
    changes.push({
      entity: "ConfluencePage",
      workspaceId: ctx.workspaceId,
      resourceAri: ari,
      version: hlcVersion(t, 0),
      generation: 0n,
      value,
    });
  };
  let last = pageAt(1, "DRAFT", bodyOf(1));
  record(last);
  const revisions = dice.int(2, 4);
  for (let revision = 2; revision <= revisions; revision++) {
    t += dice.int(2, 200) * HOUR_MS;
    if (t >= ctx.to) return changes;
    last = pageAt(revision, "CURRENT", bodyOf(revision));
    record(last);
  }
  t += dice.int(1, 30) * DAY_MS;
  if (t >= ctx.to) return changes;
  if (dice.chance(ctx.deleteShare)) record(undefined);
  else if (dice.chance(0.1)) record({ ...last, status: "ARCHIVED", updatedAt: new Date(t) });
  return changes;
}
