// One logical change of the demo's workload: a new state of one resource (or its deletion) at a version the
// workload fixes. Versions and generations never come from a clock at publish time, so the last-writer-wins
// result depends only on the workload, never on the order or the number of times a change is delivered.
import type { ConfluencePageInput, JiraIssueInput, JiraProjectInput } from "@facsimile/schemas";

/** The entities the demo publishes, with their typed producer values. */
export interface DemoValues {
  readonly JiraProject: JiraProjectInput;
  readonly JiraIssue: JiraIssueInput;
  readonly ConfluencePage: ConfluencePageInput;
}

export type DemoEntity = keyof DemoValues;

export const DEMO_ENTITIES: readonly DemoEntity[] = Object.freeze([
  "JiraProject",
  "JiraIssue",
  "ConfluencePage",
]);

export interface ChangeOf<E extends DemoEntity> {
  readonly entity: E;
  readonly workspaceId: string;
  readonly resourceAri: string;
  /** A hybrid-logical-clock version (`wallMs * 2^16`) of when the change happened in the workload's calendar. */
  readonly version: bigint;
  /** 0; 1 once a deleted resource was restored (a new incarnation outranks any version of the old one). */
  readonly generation: bigint;
  /** The resource's new state; undefined for a deletion (a tombstone). */
  readonly value: DemoValues[E] | undefined;
}

export type DemoChange = { [E in DemoEntity]: ChangeOf<E> }[DemoEntity];
