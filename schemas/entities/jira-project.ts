// A Jira project: the container issues belong to.
// biome-ignore-all lint/suspicious/noShadowRestrictedNames: String and Boolean are the manifest language's nullable types.
import type { Entity, EntityState, Int32, Manifest, String, Timestamp } from "../src/dsl.js";
import type { Team } from "./team.js";

export interface JiraProjectManifest extends Manifest {
  owner: Team.JIRA_PLATFORM;
  status: EntityState.ACTIVE;
}

export enum JiraProjectType {
  SOFTWARE = "SOFTWARE",
  BUSINESS = "BUSINESS",
  SERVICE_DESK = "SERVICE_DESK",
}

export interface JiraProject extends Entity {
  projectId: string;
  key: string;
  name: string;
  description: String;
  lead: String;
  projectType: JiraProjectType;
  issueCount: Int32;
  archived: boolean;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}
