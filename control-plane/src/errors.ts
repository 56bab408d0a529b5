// Typed errors of the control plane: the directory, erasure and migration jobs. Every error is a FacsimileError
// with a stable code, a `retriable` flag (the only thing retry logic reads) and context.
import { FacsimileError, type FacsimileErrorOptions } from "@facsimile/core";

/** Base of the control plane's errors. */
export class ControlPlaneError extends FacsimileError {
  constructor(code: string, message: string, options: FacsimileErrorOptions = {}) {
    super(code, message, options);
  }
}

export function isControlPlaneError(err: unknown): err is ControlPlaneError {
  return err instanceof ControlPlaneError;
}

/** A directory entry or event that is not well formed (bad region, state, generation, JSON). */
export class InvalidDirectoryEntryError extends ControlPlaneError {
  constructor(message: string, context: Readonly<Record<string, unknown>> = {}) {
    super("INVALID_DIRECTORY_ENTRY", message, { context });
  }
}

/** The directory does not know the workspace. */
export class WorkspaceNotFoundError extends ControlPlaneError {
  constructor(workspaceId: string) {
    super(
      "WORKSPACE_NOT_FOUND",
      `workspace ${JSON.stringify(workspaceId)} is not in the directory: list them with facsimile control workspaces`,
      { context: { workspaceId } },
    );
  }
}

/** Another writer changed the workspace's entry between our read and our write: read again and retry. */
export class DirectoryConflictError extends ControlPlaneError {
  constructor(workspaceId: string, expectedSeq: number, actualSeq: number) {
    super(
      "DIRECTORY_CONFLICT",
      `workspace ${JSON.stringify(workspaceId)} changed concurrently (expected change #${expectedSeq}, ` +
        `the directory holds #${actualSeq}): read it again and retry`,
      { retriable: true, context: { workspaceId, expectedSeq, actualSeq } },
    );
  }
}

/** A change the workspace's state does not allow (migrating an erased workspace, two jobs at once). */
export class WorkspaceStateError extends ControlPlaneError {
  constructor(message: string, context: Readonly<Record<string, unknown>> = {}) {
    super("WORKSPACE_STATE", message, { context });
  }
}

/** The directory log could not be read or written (broker or file trouble); retry later. */
export class DirectoryLogError extends ControlPlaneError {
  constructor(
    message: string,
    options: { cause?: unknown; context?: Readonly<Record<string, unknown>> } = {},
  ) {
    super("DIRECTORY_LOG", message, { retriable: true, ...options });
  }
}

/** A migration step found the copy incomplete or a job in a state that does not allow the request. */
export class MigrationError extends ControlPlaneError {
  constructor(message: string, context: Readonly<Record<string, unknown>> = {}) {
    super("MIGRATION", message, { context });
  }
}

/** Test hook: the job was stopped on purpose after a step (a simulated crash). */
export class MigrationInterruptedError extends ControlPlaneError {
  constructor(jobId: string, step: string) {
    super("MIGRATION_INTERRUPTED", `job ${jobId} interrupted after step ${step}: resume or roll it back`, {
      retriable: true,
      context: { jobId, step },
    });
  }
}

/**
 * A key operation (rotate-key, shred-key) was refused or could not finish. `code`: KEY_NOT_USABLE (the target
 * key is unknown or not enabled), KEY_SHRED_REFUSED (shredding would hit others or miss objects),
 * KEY_ROTATION_INCOMPLETE (objects are still under other keys: run it again; retriable).
 */
export class WorkspaceKeyError extends ControlPlaneError {
  constructor(
    code: "KEY_NOT_USABLE" | "KEY_SHRED_REFUSED" | "KEY_ROTATION_INCOMPLETE",
    message: string,
    context: Readonly<Record<string, unknown>> = {},
  ) {
    super(code, message, { context, retriable: code === "KEY_ROTATION_INCOMPLETE" });
  }
}
