// A question asked in Avocado, the Q&A product: the entity the seed's transform model reads
// (id_value, created_at, question, title, updated_at, author_value, workspace_value, question_adf, ...).
// biome-ignore-all lint/suspicious/noShadowRestrictedNames: String and Boolean are the manifest language's nullable types.
import type { Entity, EntityState, Int32, Manifest, String, Timestamp } from "../src/dsl.js";
import type { Classification } from "./classification.js";
import type { Team } from "./team.js";

export interface AvocadoQuestionManifest extends Manifest {
  owner: Team.AVOCADO;
  status: EntityState.ACTIVE;
}

export interface AvocadoQuestion extends Entity {
  id: String;
  createdAt: Timestamp;
  question: string;
  title: string;
  updatedAt: Timestamp;
  author: String;
  workspace: String;
  questionAdf: string;
  voteCount: Int32;
  chosenAnswer: boolean;
  isResolved: boolean;
  classification: Classification;
}
