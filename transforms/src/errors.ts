// Typed errors of the transforms package: each a FacsimileError with a stable code, a `retriable` flag (the
// only thing retry logic may read) and context. Model errors name the model file and, where known, the line
// and column, formatted `file:line:column: message` so editors and CI annotations can jump to them.
import { FacsimileError, type FacsimileErrorOptions } from "@facsimile/core";

/** Base of every error this package throws on purpose. */
export class TransformError extends FacsimileError {}

export function isTransformError(err: unknown): err is TransformError {
  return err instanceof TransformError;
}

/** Where in a model file something went wrong. */
export interface ModelLocation {
  readonly model: string;
  /** The model file, or `<default model of Entity>` for a generated one. */
  readonly file: string;
  /** 1-based; undefined when unknown. */
  readonly line?: number | undefined;
  readonly column?: number | undefined;
}

export function formatLocation(at: ModelLocation): string {
  if (at.line === undefined) return at.file;
  return at.column === undefined ? `${at.file}:${at.line}` : `${at.file}:${at.line}:${at.column}`;
}

function locationContext(at: ModelLocation): Record<string, unknown> {
  return { model: at.model, file: at.file, line: at.line, column: at.column };
}

/** The template does not parse or does not render: syntax, an unknown macro or variable, a bad macro call. */
export class ModelTemplateError extends TransformError {
  readonly location: ModelLocation;
  constructor(at: ModelLocation, reason: string, options: FacsimileErrorOptions = {}) {
    super("TRANSFORM_MODEL_TEMPLATE", `${formatLocation(at)}: ${reason}`, {
      ...options,
      context: locationContext(at),
    });
    this.location = at;
  }
}

/** The model's `{{ config(...) }}` is missing or invalid (unknown key, wrong writer, missing key columns). */
export class ModelConfigError extends TransformError {
  readonly location: ModelLocation;
  constructor(at: ModelLocation, reason: string) {
    super("TRANSFORM_MODEL_CONFIG", `${formatLocation(at)}: ${reason}`, { context: locationContext(at) });
    this.location = at;
  }
}

/** DuckDB rejected the compiled SQL, or its output lacks a column the writer needs. */
export class ModelSqlError extends TransformError {
  readonly location: ModelLocation;
  constructor(at: ModelLocation, reason: string, options: { sqlLine?: number; cause?: unknown } = {}) {
    super("TRANSFORM_MODEL_SQL", `${formatLocation(at)}: ${reason}`, {
      context: { ...locationContext(at), sqlLine: options.sqlLine },
      cause: options.cause,
    });
    this.location = at;
  }
}

/** Two models disagree: the same target table twice, or a name clash. */
export class ModelConflictError extends TransformError {
  constructor(reason: string, context: Readonly<Record<string, unknown>>) {
    super("TRANSFORM_MODEL_CONFLICT", reason, { context });
  }
}

/** A model name that no default and no model file defines. */
export class UnknownModelError extends TransformError {
  constructor(name: string, known: readonly string[]) {
    super(
      "TRANSFORM_UNKNOWN_MODEL",
      `unknown model ${JSON.stringify(name)}; known models: ${known.join(", ") || "(none)"}`,
      { context: { name, known } },
    );
  }
}

/** An entity whose flat columns cannot form a source relation (a name the relation reserves). */
export class SourceSchemaError extends TransformError {
  constructor(entity: string, reason: string) {
    super("TRANSFORM_SOURCE_SCHEMA", `entity ${entity}: ${reason}`, { context: { entity } });
  }
}

/** One record cannot be loaded into its source relation; the loader skips it and reports it (dead-letter it). */
export class SourceRowError extends TransformError {
  constructor(entity: string, index: number, column: string, reason: string) {
    super("TRANSFORM_SOURCE_ROW", `record ${index} of ${entity}: column ${column}: ${reason}`, {
      context: { entity, index, column },
    });
  }
}

/** The models folder cannot be read. */
export class ModelsDirError extends TransformError {
  constructor(dir: string, reason: string, options: FacsimileErrorOptions = {}) {
    super("TRANSFORM_MODELS_DIR", `models folder ${dir}: ${reason}`, { ...options, context: { dir } });
  }
}
