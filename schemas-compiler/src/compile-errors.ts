// The errors the schema toolchain throws: compile diagnostics (with file:line and a hint), lockfile problems,
// and check usage errors. Each has a stable code; none is retriable,
// because re-running with the same input gives the same answer.
import { FacsimileError } from "@facsimile/core";

/** One problem found in the entity sources or the lockfile. */
export interface Diagnostic {
  /** Stable code, e.g. "BARE_NUMBER", "MISSING_MANIFEST". */
  readonly code: string;
  readonly message: string;
  /** How to fix it. */
  readonly hint: string;
  /** Path relative to the schemas folder, e.g. "entities/jira-issue.ts". */
  readonly file: string;
  readonly line: number;
  /** When the problem is also an expand-contract rule (e.g. OWNER_REQUIRED), the check reports it under it. */
  readonly rule?: string;
  /** The entity the problem belongs to, when there is one. */
  readonly entity?: string;
}

export function formatDiagnostic(d: Diagnostic, pathPrefix = ""): string {
  return `${pathPrefix}${d.file}:${d.line}: error ${d.code}: ${d.message}\n  hint: ${d.hint}`;
}

/** The entity sources (or the lockfile) do not compile. */
export class SchemaCompileError extends FacsimileError {
  readonly diagnostics: readonly Diagnostic[];

  constructor(diagnostics: readonly Diagnostic[]) {
    const first = diagnostics[0];
    const summary = first === undefined ? "" : `: ${formatDiagnostic(first)}`;
    super(
      "SCHEMA_COMPILE_ERROR",
      `${diagnostics.length} schema error(s)${summary}${diagnostics.length > 1 ? "\n  ..." : ""}`,
      {
        context: { count: diagnostics.length },
      },
    );
    this.diagnostics = diagnostics;
  }
}

/** The check could not run: bad arguments, not a git repository, unknown ref. */
export class SchemaCheckUsageError extends FacsimileError {
  constructor(message: string, context: Readonly<Record<string, unknown>> = {}) {
    super("SCHEMA_CHECK_USAGE", message, { context });
  }
}
