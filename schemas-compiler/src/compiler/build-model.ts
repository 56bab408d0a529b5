// Sources + lockfile text -> numbered schema model + grown lockfile + diagnostics. Never throws on bad input
// and never touches the disk: `compile` turns diagnostics into errors, `check` maps rule-tagged ones to rules.
import type { Diagnostic } from "../compile-errors.js";
import { assignNumbers } from "./assign-numbers.js";
import { type Lockfile, parseLockfile } from "./lockfile.js";
import type { SchemaModel } from "./model.js";
import { parseEntities } from "./parse-entities.js";

export interface BuiltModel {
  readonly model: SchemaModel;
  /** The lockfile as committed (parsed). */
  readonly lockfileBefore: Lockfile;
  /** The lockfile after numbering the sources: equal to `lockfileBefore` when it was up to date. */
  readonly lockfile: Lockfile;
  readonly diagnostics: readonly Diagnostic[];
}

export interface BuildModelInput {
  /** Path relative to the schemas folder (e.g. "entities/jira-issue.ts") -> text. */
  readonly sources: ReadonlyMap<string, string>;
  /** The lockfile's text, or undefined when there is none yet. */
  readonly lockfileText: string | undefined;
  /** How diagnostics name the lockfile. */
  readonly lockfilePath?: string;
}

export async function buildModel(input: BuildModelInput): Promise<BuiltModel> {
  const parsed = await parseEntities(input.sources);
  const lock = parseLockfile(input.lockfileText, input.lockfilePath);
  const { model, lockfile } = assignNumbers(parsed.schema, lock.lockfile);
  return {
    model,
    lockfileBefore: lock.lockfile,
    lockfile,
    diagnostics: [...parsed.diagnostics, ...lock.diagnostics],
  };
}
