// A synthetic schema repository of N entities for the schemas benchmark: every entity has scalar,
// nullable, timestamp, enum, array, nested-message and reference fields, owners spread over five teams.

const TEAMS = ["ORDERS", "BILLING", "SEARCH", "IDENTITY", "INSIGHTS"];

function entityName(i: number): string {
  return `BenchEntity${String(i).padStart(4, "0")}`;
}

function entitySource(i: number, extraFields: number): string {
  const name = entityName(i);
  const ref = i > 0 ? entityName(i - 1) : name;
  const extra = Array.from({ length: extraFields }, (_, k) => `  extra${k}: String;\n`).join("");
  return `import type { ComposedBy, Entity, EntityState, Float64, Int32, Int64, Manifest, String, Timestamp } from "../dsl.js";
import type { Team } from "./team.js";

export interface ${name}Manifest extends Manifest {
  owner: Team.${TEAMS[i % TEAMS.length]};
  status: EntityState.ACTIVE;
}

export interface ${name}Part {
  key: string;
  value: String;
  weight: Float64;
  at: Timestamp;
}

export interface ${name} extends Entity {
  id: string;
  title: String;
  count: Int32;
  total: Int64;
  ratio?: Float64;
  active: boolean;
  state: BenchState;
  tags: string[];
  parts: ${name}Part[];
  ref: ComposedBy<${ref}>;
  createdAt: Timestamp;
  updatedAt: Timestamp;
  /** @deprecated use title */
  label: string;
${extra}}
`;
}

/** Sources relative to the schemas folder; `changed` entities get `extraFields` more fields. */
export function generateSchemaSources(count: number, changed = 0, extraFields = 0): Map<string, string> {
  const sources = new Map<string, string>();
  sources.set(
    "entities/team.ts",
    `export enum Team {\n${TEAMS.map((t) => `  ${t} = "${t}",`).join("\n")}\n}\n`,
  );
  sources.set(
    "entities/bench-state.ts",
    'export enum BenchState {\n  NEW = "NEW",\n  OPEN = "OPEN",\n  CLOSED = "CLOSED",\n}\n',
  );
  for (let i = 0; i < count; i++) {
    sources.set(`entities/bench-entity-${i}.ts`, entitySource(i, i < changed ? extraFields : 0));
  }
  return sources;
}
