// Typed errors of table maintenance and restore. Every error is a FacsimileError with a stable code, a `retriable`
// flag (the only thing retry logic reads) and context; messages say what was wrong and what to do.
import { FacsimileError, type FacsimileErrorOptions } from "@facsimile/core";

export class MaintenanceError extends FacsimileError {
  constructor(code: string, message: string, options: FacsimileErrorOptions = {}) {
    super(code, message, options);
  }
}

export function isMaintenanceError(err: unknown): err is MaintenanceError {
  return err instanceof MaintenanceError;
}

/** An option out of its range (a retention longer than the table remembers removed files, a negative horizon). */
export class InvalidMaintenanceOptionError extends MaintenanceError {
  constructor(message: string, context: Readonly<Record<string, unknown>> = {}) {
    super("INVALID_MAINTENANCE_OPTION", message, { context });
  }
}

/** The region has no such table (or no tables at all). */
export class MaintenanceTableNotFoundError extends MaintenanceError {
  constructor(region: string, table: string | undefined, known: readonly string[]) {
    super(
      "MAINTENANCE_TABLE_NOT_FOUND",
      table === undefined
        ? `region ${JSON.stringify(region)} has no tables in this lake`
        : `region ${JSON.stringify(region)} has no table ${JSON.stringify(table)}; it has ${known.length === 0 ? "none" : known.join(", ")}`,
      { context: { region, table, known } },
    );
  }
}

/** The version (or timestamp) to restore cannot be loaded: the log before it was cut (erasure) or it never was. */
export class RestoreTargetUnavailableError extends MaintenanceError {
  constructor(table: string, message: string, context: Readonly<Record<string, unknown>> = {}) {
    super("RESTORE_TARGET_UNAVAILABLE", `cannot restore ${table}: ${message}`, { context });
  }
}

/** Files of the version to restore are gone from the store (vacuumed after the retention, or erased). */
export class RestoreFilesMissingError extends MaintenanceError {
  constructor(table: string, version: number, missing: readonly string[]) {
    super(
      "RESTORE_FILES_MISSING",
      `cannot restore ${table} to version ${version}: ${missing.length} of its data files are gone from the store ` +
        `(vacuumed after the retention, or erased), e.g. ${missing[0]}; restore a later version`,
      { context: { table, version, missing: missing.slice(0, 20), count: missing.length } },
    );
  }
}

/** Maintenance kept losing commit races on a table for longer than its attempts allow (retriable: run again). */
export class MaintenanceBusyError extends MaintenanceError {
  constructor(table: string, operation: string, attempts: number) {
    super(
      "MAINTENANCE_BUSY",
      `${operation} of ${table} lost ${attempts} commit races in a row to concurrent writers; nothing was changed ` +
        "by the losing plans: run it again (the schedule does)",
      { retriable: true, context: { table, operation, attempts } },
    );
  }
}
