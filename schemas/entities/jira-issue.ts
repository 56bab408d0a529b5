// A Jira issue with its custom field values, as the issue extraction team publishes it.
// biome-ignore-all lint/suspicious/noShadowRestrictedNames: String and Boolean are the manifest language's nullable types.
import type {
  ComposedBy,
  Entity,
  EntityState,
  Float64,
  Int32,
  Int64,
  Manifest,
  String,
  Timestamp,
} from "../src/dsl.js";
import type { Classification } from "./classification.js";
import type { JiraProject } from "./jira-project.js";
import type { Team } from "./team.js";

export interface JiraIssueManifest extends Manifest {
  owner: Team.JIRA_ISSUE_EXTRACTION;
  status: EntityState.ACTIVE;
}

export enum JiraIssueStatus {
  TO_DO = "TO_DO",
  IN_PROGRESS = "IN_PROGRESS",
  IN_REVIEW = "IN_REVIEW",
  DONE = "DONE",
}

/** One custom field value of an issue. */
export interface JiraIssueField {
  fieldId: string;
  name: string;
  value: String;
  updatedAt: Timestamp;
}

export interface JiraIssue extends Entity {
  issueId: String;
  key: string;
  project: ComposedBy<JiraProject>;
  summary: string;
  description: String;
  status: JiraIssueStatus;
  classification: Classification;
  assignee: String;
  reporter: String;
  labels: string[];
  fields: JiraIssueField[];
  voteCount: Int32;
  watchCount: Int64;
  storyPoints?: Float64;
  createdAt: Timestamp;
  updatedAt: Timestamp;
  resolvedAt?: Timestamp;
  /** @deprecated use summary */
  title?: string;
}
