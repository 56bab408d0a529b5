// Typed errors of the lake: LakeError is a FacsimileError (@facsimile/core) with a stable code, a `retriable`
// flag (the only thing retry logic reads) and context.
import { FacsimileError, type FacsimileErrorOptions } from "@facsimile/core";
import { isStoreError } from "@facsimile/object-store";

export type LakeErrorOptions = FacsimileErrorOptions;

export class LakeError extends FacsimileError {}

/** A lake error, or an error of the object store under the lake (the lake passes those on as they are). */
export function isLakeError(err: unknown): err is LakeError {
  return err instanceof LakeError || isStoreError(err);
}

/** An optional DuckDB extension (delta, httpfs) is not installed where the offline loader looks for it. */
export class DuckDbExtensionMissingError extends LakeError {
  constructor(extension: string, path: string, hint: string) {
    super(
      "DUCKDB_EXTENSION_MISSING",
      `DuckDB extension ${JSON.stringify(extension)} not found at ${path}: ${hint}`,
      {
        context: { extension, path },
      },
    );
  }
}

// ---- The table format: log, snapshots, commits, writers ----

/** Why a commit could not be placed on top of the commits that won the race. */
export type CommitConflictReason =
  | "files-removed-by-both"
  | "read-partition-changed"
  | "same-txn-app-id"
  | "metadata-changed"
  | "attempts-exhausted";

/**
 * Another writer committed first and its changes collide logically with ours (or we lost too many races).
 * Retriable: the writer re-reads the table and plans the write again; an idempotent writer (txn) then finds out
 * whether the other commit already holds its batch.
 */
export class CommitConflictError extends LakeError {
  readonly reason: CommitConflictReason;
  constructor(
    table: string,
    reason: CommitConflictReason,
    detail: string,
    context: Readonly<Record<string, unknown>> = {},
  ) {
    super("COMMIT_CONFLICT", `commit to ${table} conflicts (${reason}): ${detail}`, {
      retriable: true,
      context: { table, reason, ...context },
    });
    this.reason = reason;
  }
}

export function isCommitConflictError(err: unknown): err is CommitConflictError {
  return err instanceof CommitConflictError;
}

/** A log file (commit JSON, checkpoint, _last_checkpoint) cannot be parsed. Names the version. */
export class LogCorruptError extends LakeError {
  readonly version: number;
  constructor(table: string, version: number, key: string, detail: string, options: LakeErrorOptions = {}) {
    super(
      "LOG_CORRUPT",
      `version ${version} of table ${table} is unreadable (${key}): ${detail}; ` +
        "restore the file from a backup or read the table as of an earlier version",
      { ...options, context: { table, version, key, ...options.context } },
    );
    this.version = version;
  }
}

/** A deletion vector named by the log cannot be read or does not match its descriptor. Names the data file. */
export class DeletionVectorError extends LakeError {
  constructor(table: string, dataPath: string, detail: string, options: LakeErrorOptions = {}) {
    super(
      "DELETION_VECTOR_CORRUPT",
      `the deletion vector of ${dataPath} in table ${table} is unreadable: ${detail}; ` +
        "restore the deletion vector file or read the table as of an earlier version",
      { ...options, context: { table, dataPath, ...options.context } },
    );
  }
}

/** The log has a hole: a version between the checkpoint and the latest commit has no commit file. */
export class LogVersionMissingError extends LakeError {
  readonly version: number;
  constructor(table: string, version: number, key: string, detail: string) {
    super(
      "LOG_VERSION_MISSING",
      `version ${version} of table ${table} is missing: no ${key} (${detail}); the log must be contiguous`,
      { context: { table, version, key } },
    );
    this.version = version;
  }
}

/** No Delta log at the location (version 0 was never committed). */
export class TableNotFoundError extends LakeError {
  constructor(table: string) {
    super(
      "TABLE_NOT_FOUND",
      `no Delta table at ${table}: create it first (createTable or a writer's first write)`,
      {
        context: { table },
      },
    );
  }
}

/** createTable where a table already exists with a different definition. */
export class TableExistsError extends LakeError {
  constructor(table: string, detail: string) {
    super("TABLE_EXISTS", `a table already exists at ${table}: ${detail}`, { context: { table } });
  }
}

/** Time travel to a version or timestamp the log does not have. */
export class VersionNotFoundError extends LakeError {
  constructor(table: string, detail: string, context: Readonly<Record<string, unknown>> = {}) {
    super("VERSION_NOT_FOUND", `table ${table}: ${detail}`, { context: { table, ...context } });
  }
}

/** The table's protocol asks for reader/writer features this implementation does not have. */
export class UnsupportedProtocolError extends LakeError {
  constructor(table: string, detail: string) {
    super(
      "UNSUPPORTED_PROTOCOL",
      `table ${table} needs ${detail}; we support reader 1 / writer 2, and reader 3 / writer 7 with the features deletionVectors, appendOnly, invariants`,
      {
        context: { table },
      },
    );
  }
}

/** A batch's columns do not match the table's schema. Nothing was committed. */
export class SchemaMismatchError extends LakeError {
  constructor(table: string, differences: readonly string[]) {
    super(
      "SCHEMA_MISMATCH",
      `batch does not match the schema of ${table}: ${differences.join("; ")}. ` +
        "Cast or rename the batch's columns to the table's schema; nothing was committed",
      { context: { table, differences } },
    );
  }
}

/** A column type (or a partition column type) the Delta protocol 1/2 cannot hold. */
export class UnsupportedTypeError extends LakeError {
  constructor(column: string, type: string, hint: string) {
    super("UNSUPPORTED_TYPE", `column ${JSON.stringify(column)} has type ${type}, which ${hint}`, {
      context: { column, type },
    });
  }
}

/** A table definition or writer configuration that cannot work (unknown column, bad name, bad option). */
export class InvalidTableConfigError extends LakeError {
  constructor(table: string, detail: string, context: Readonly<Record<string, unknown>> = {}) {
    super("INVALID_TABLE_CONFIG", `table ${table}: ${detail}`, { context: { table, ...context } });
  }
}

/** A batch the writer refuses before touching the table (null keys, bad LWW columns). Nothing was committed. */
export class InvalidBatchError extends LakeError {
  constructor(table: string, detail: string, context: Readonly<Record<string, unknown>> = {}) {
    super("INVALID_BATCH", `batch for ${table} refused: ${detail}; nothing was committed`, {
      context: { table, ...context },
    });
  }
}
