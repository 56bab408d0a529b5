// Public surface of @facsimile/control-plane: the workspace directory (entries, audited events, the log on the
// bus or a file, the cached view that is also the erasure registry), erasure and migration jobs, BYOK (key
// routing per workspace, key rotation, crypto-shredding), and the errors.

export {
  bootstrapDirectory,
  parseStaticDirectory,
  type StaticDirectoryWorkspace,
} from "./directory/bootstrap-directory.js";
export {
  checkEntry,
  type DirectoryEntry,
  type DirectoryEvent,
  decodeEvent,
  type ErasedResource,
  encodeEvent,
  makeEvent,
  WORKSPACE_STATES,
  type WorkspaceState,
} from "./directory/directory-entry.js";
export type { DirectoryCursor, DirectoryLog } from "./directory/directory-log.js";
export {
  createDirectoryView,
  DEFAULT_DIRECTORY_VIEW_OPTIONS,
  type DirectoryView,
  type DirectoryViewOptions,
} from "./directory/directory-view.js";
export { createFileDirectoryLog } from "./directory/file-directory-log.js";
export { DirectoryState } from "./directory/fold-directory.js";
export {
  createTransportDirectoryLog,
  DEFAULT_TRANSPORT_DIRECTORY_LOG_OPTIONS,
  DIRECTORY_TOPIC,
  type TransportDirectoryLogOptions,
} from "./directory/transport-directory-log.js";
export { type Audit, updateWorkspace } from "./directory/update-workspace.js";
export {
  DEFAULT_ERASE_OPTIONS,
  type EraseDeps,
  type EraseOptions,
  type EraseResult,
  type ErasureReceipt,
  type ErasureVerification,
  eraseWorkspace,
} from "./erasure/erase-workspace.js";
export { executeErasure, type RunMerge, type TableErasureResult } from "./erasure/execute-erasure.js";
export { type LakeTable, listLakeTables } from "./erasure/lake-tables.js";
export {
  type ErasurePlan,
  type ErasureSubject,
  type FileErasure,
  type OffloadLocation,
  planErasure,
  type TableErasure,
} from "./erasure/plan-erasure.js";
export {
  ControlPlaneError,
  DirectoryConflictError,
  DirectoryLogError,
  InvalidDirectoryEntryError,
  isControlPlaneError,
  MigrationError,
  MigrationInterruptedError,
  WorkspaceKeyError,
  WorkspaceNotFoundError,
  WorkspaceStateError,
} from "./errors.js";
export { listWorkspaceObjects, type WorkspaceObject } from "./keys/list-workspace-objects.js";
export { WORKSPACE_COLUMN, workspaceOfObject, workspacePartitionSegment } from "./keys/object-owner.js";
export {
  DEFAULT_KEY_ROTATION_OPTIONS,
  type KeyRotationDeps,
  type KeyRotationOptions,
  type KeyRotationPlan,
  type KeyRotationResult,
  planKeyRotation,
  rotateWorkspaceKey,
} from "./keys/rotate-workspace-key.js";
export {
  DEFAULT_KEY_SHRED_OPTIONS,
  type KeyShredDeps,
  type KeyShredOptions,
  type KeyShredPlan,
  type KeyShredResult,
  planKeyShred,
  shredWorkspaceKey,
} from "./keys/shred-workspace-key.js";
export {
  DEFAULT_WORKSPACE_KEY_ROUTE_OPTIONS,
  type KeyDirectory,
  type WorkspaceKeyRouteOptions,
  workspaceKeyRoute,
} from "./keys/workspace-key-route.js";
export {
  type CopyDeps,
  copyWorkspace,
  type TargetWriter,
} from "./migration/copy-workspace.js";
export {
  createJobStore,
  type JobStore,
  MIGRATION_STEPS,
  type MigrationJob,
  type MigrationStep,
} from "./migration/job-store.js";
export { type MigrationPlan, planMigration } from "./migration/plan-migration.js";
export {
  DEFAULT_MIGRATE_OPTIONS,
  type MigrateDeps,
  type MigrateOptions,
  planWorkspaceMigration,
  rollbackMigration,
  runMigration,
  startMigration,
} from "./migration/run-migration.js";
export { type TableVerification, verifyCopy } from "./migration/verify-copy.js";
