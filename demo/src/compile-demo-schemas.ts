// The demo's first step: compile the entity manifests (schemas/entities) with the real compiler, in memory, and
// compare with the checked-in artefacts the runtime registry and the producer's validators are built from.
// Writes nothing: a stale schemas/gen is reported with the command that fixes it, and the demo runs on the
// checked-in registry either way (its validators and its descriptors must agree).
import { relative } from "node:path";
import { compileSchemasDir, resolveSchemasDir } from "@facsimile/schemas-compiler";

export interface SchemasStep {
  /** The schemas folder relative to the working directory; undefined when none was found. */
  readonly dir: string | undefined;
  readonly entities: number;
  /** Generated files that differ from a fresh compile (0: up to date). */
  readonly stale: number;
  readonly ms: number;
}

/** `given`: the schemas folder as the user named it; undefined: the nearest schemas/ at or above `cwd`. */
export async function compileDemoSchemas(cwd: string, given: string | undefined): Promise<SchemasStep> {
  const started = performance.now();
  const dir = await resolveSchemasDir(cwd, given);
  if (dir === undefined) return { dir: undefined, entities: 0, stale: 0, ms: 0 };
  const result = await compileSchemasDir(dir, { check: true });
  return {
    dir: relative(cwd, dir) || ".",
    entities: result.compiled.model.entities.length,
    stale: result.differences?.length ?? 0,
    ms: performance.now() - started,
  };
}
