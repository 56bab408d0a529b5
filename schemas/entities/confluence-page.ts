// A Confluence page: its latest version, where it sits in its space, and the issues it links to.
// biome-ignore-all lint/suspicious/noShadowRestrictedNames: String and Boolean are the manifest language's nullable types.
import type {
  Boolean,
  ComposedBy,
  Entity,
  EntityState,
  Int32,
  Int64,
  Manifest,
  String,
  Timestamp,
} from "../src/dsl.js";
import type { Classification } from "./classification.js";
import type { JiraIssue } from "./jira-issue.js";
import type { Team } from "./team.js";

export interface ConfluencePageManifest extends Manifest {
  owner: Team.CONFLUENCE_CONTENT;
  status: EntityState.ACTIVE;
}

export enum ConfluencePageStatus {
  DRAFT = "DRAFT",
  CURRENT = "CURRENT",
  ARCHIVED = "ARCHIVED",
}

/** Who changed the page last, and when. */
export interface ConfluencePageVersion {
  number: Int64;
  authorId: String;
  message: String;
  createdAt: Timestamp;
}

export interface ConfluencePage extends Entity {
  pageId: string;
  spaceKey: string;
  title: string;
  body: String;
  status: ConfluencePageStatus;
  classification: Classification;
  parentPageId: String;
  ancestorIds: string[];
  labels: string[];
  version: ConfluencePageVersion;
  linkedIssues: ComposedBy<JiraIssue>[];
  wordCount: Int32;
  hasInlineComments: Boolean;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}
