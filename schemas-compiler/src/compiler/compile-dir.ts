// `facsimile schemas compile` as a function: read a schemas folder, compile, write the artefacts and the
// grown lockfile back (or, with `check: true`, only report what would change).
import { join } from "node:path";
import { type CompiledSchemas, compileSchemas, GENERATED_PATHS } from "./compile-schemas.js";
import { diffGenerated, type GeneratedDifference } from "./diff-generated.js";
import { readEntitySources, readOptionalFile } from "./read-entity-sources.js";
import { type WriteResult, writeGenerated } from "./write-generated.js";

export interface CompileDirOptions {
  /** Only compare with the files on disk; write nothing. */
  readonly check: boolean;
}

export const DEFAULT_COMPILE_DIR_OPTIONS: CompileDirOptions = Object.freeze({ check: false });

export interface CompileDirResult {
  readonly compiled: CompiledSchemas;
  /** Set when writing. */
  readonly write?: WriteResult;
  /** Set with `check`: what differs between disk and a fresh compile. */
  readonly differences?: readonly GeneratedDifference[];
}

/** Throws SchemaCompileError when the sources or the lockfile do not compile. */
export async function compileSchemasDir(
  schemasDir: string,
  options: Partial<CompileDirOptions> = {},
): Promise<CompileDirResult> {
  const opts = { ...DEFAULT_COMPILE_DIR_OPTIONS, ...options };
  const compiled = await compileSchemas({
    sources: await readEntitySources(schemasDir),
    lockfileText: await readOptionalFile(join(schemasDir, GENERATED_PATHS.lockfile)),
    lockfilePath: GENERATED_PATHS.lockfile,
  });
  if (opts.check) return { compiled, differences: await diffGenerated(schemasDir, compiled.files) };
  return { compiled, write: await writeGenerated(schemasDir, compiled.files) };
}
