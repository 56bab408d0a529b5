// Public surface of @facsimile/maintenance: the care of the lake's tables beside live ingest (vacuum, optimize,
// checkpoint, tombstone purge, each a plain-value plan then its execution), restore to a version or an instant that
// keeps erasures erased, and the schedule that runs the maintenance in a long-lived process.
export { type CheckpointPlan, executeCheckpoint, planCheckpoint } from "./checkpoint-table.js";
export { describePlan, formatBytes, type MaintenancePlan } from "./describe.js";
export { type ErasureColumns, erasedRowsPredicate, erasureColumns } from "./erased-rows-sql.js";
export {
  InvalidMaintenanceOptionError,
  isMaintenanceError,
  MaintenanceBusyError,
  MaintenanceError,
  MaintenanceTableNotFoundError,
  RestoreFilesMissingError,
  RestoreTargetUnavailableError,
} from "./errors.js";
export { executeOptimize, type OptimizeResult } from "./execute-optimize.js";
export {
  executePurgeTombstones,
  guardPurgedResources,
  type PurgeAudit,
  type PurgeTombstonesResult,
} from "./execute-purge-tombstones.js";
export { executeRestore, type RestoreResult } from "./execute-restore.js";
export { executeVacuum, type VacuumResult } from "./execute-vacuum.js";
export { MAINTENANCE_DEFAULTS, type MaintenanceOptions, maintenanceOptions } from "./maintenance-options.js";
export { maintenanceTables } from "./maintenance-tables.js";
export { type OptimizeGroup, type OptimizePlan, planOptimize } from "./plan-optimize.js";
export {
  type PurgeColumns,
  type PurgedResource,
  type PurgeTombstonesPlan,
  planPurgeTombstones,
} from "./plan-purge-tombstones.js";
export { planRestore, type RestoreFile, type RestorePlan, type RestoreTarget } from "./plan-restore.js";
export { planVacuum, type VacuumFile, type VacuumPlan } from "./plan-vacuum.js";
export {
  isMaintenanceOperation,
  MAINTENANCE_OPERATIONS,
  type MaintenanceDeps,
  type MaintenanceOperation,
  type MaintenanceTarget,
  runMaintenance,
  type TableReport,
} from "./run-maintenance.js";
export { runSchedule, SCHEDULE_DEFAULTS, type ScheduleOptions, type ScheduleRun } from "./run-schedule.js";
