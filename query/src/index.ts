// Public surface of @facsimile/query: analyst SQL over one workspace's tables in a locked DuckDB sandbox.

export { LIST_REGION_TABLES_DEFAULTS, listRegionTables } from "./catalog/list-region-tables.js";
export {
  type CatalogOptions,
  type CatalogTable,
  loadRegionCatalog,
  type RegionCatalog,
} from "./catalog/load-region-catalog.js";
export {
  checkWorkspaceId,
  planWorkspaceView,
  type SkippedTablePlan,
  type ViewColumn,
  WORKSPACE_PATTERN,
  WORKSPACE_VIEW_DEFAULTS,
  type WorkspaceViewOptions,
  type WorkspaceViewPlan,
} from "./catalog/plan-workspace-view.js";
export { type RegionVersions, RegionVersionWatcher } from "./catalog/watch-region-versions.js";
export {
  isQueryError,
  QueryArgumentError,
  QueryError,
  type QueryErrorOptions,
  QueryInterruptedError,
  QueryRejectedError,
  QuerySqlError,
  QueryTimeoutError,
  type RejectionCode,
  SessionClosedError,
  SessionSetupError,
} from "./errors.js";
export {
  EXAMPLE_ISSUE_COLUMNS,
  EXAMPLE_MERGE_CONFIG,
  EXAMPLE_PROJECT_COLUMNS,
  EXAMPLE_TABLES_DEFAULTS,
  type ExampleTables,
  type ExampleTablesOptions,
  writeExampleTables,
} from "./examples/example-tables.js";
export {
  EXAMPLE_QUERIES,
  type ExampleQuery,
  ISSUES_RESOLVED_PER_MONTH,
} from "./examples/issues-resolved-per-month.js";
export {
  formatCsv,
  formatResult,
  isResultFormat,
  RESULT_FORMATS,
  type ResultFormat,
  TABLE_FORMAT_DEFAULTS,
  type TableFormatOptions,
} from "./format/format-result.js";
export { type LimitFlags, limitsFromFlags } from "./limit-flags.js";
export {
  DEFAULT_QUERY_CACHE_DIR,
  openQueryEngine,
  QUERY_ENGINE_DEFAULTS,
  type QueryEngine,
  type QueryEngineOptions,
} from "./open-query-engine.js";
export {
  answerCatalogQuery,
  CATALOG_SCHEMA,
  type CatalogAnswer,
  type CatalogTableInfo,
} from "./pg/answer-catalog-query.js";
export { bindParameters, countParameters } from "./pg/bind-parameters.js";
export { type ClientStatement, classifyStatement } from "./pg/classify-statement.js";
export { type LoginStep, PasswordLogin, type PgAuthMethod } from "./pg/password-login.js";
export {
  checkCleartextPassword,
  loadPgCredentials,
  type PgCredentials,
  parsePgCredentials,
} from "./pg/pg-credentials.js";
export { PG_TYPES, type PgType, pgText, pgTypeOf } from "./pg/pg-types.js";
export { ScramExchange, scramVerifier } from "./pg/scram-sha-256.js";
export { pgErrorOf, SQLSTATE, sqlStateOf } from "./pg/sqlstate.js";
export {
  PG_SERVER_DEFAULTS,
  type PgServer,
  type PgServerOptions,
  startPgServer,
} from "./pg/start-pg-server.js";
export {
  SESSION_CACHE_DEFAULTS,
  type SessionCacheOptions,
  type SessionLease,
  WorkspaceSessionCache,
} from "./pg/workspace-session-cache.js";
export { type CheckedStatement, checkStatement } from "./sandbox/check-statement.js";
export { LOCKED_SANDBOX_SETTINGS } from "./sandbox/lock-sandbox.js";
export {
  resolveSandboxOptions,
  SANDBOX_DEFAULTS,
  type SandboxOptions,
  sizeBytes,
} from "./sandbox/sandbox-options.js";
export {
  ALLOWED_SYSTEM_VIEWS,
  ALLOWED_TABLE_FUNCTIONS,
  DENIED_SCALAR_FUNCTIONS,
  type PolicyContext,
  type PolicyViolation,
  policyViolations,
} from "./sandbox/statement-policy.js";
export {
  QUERY_SERVER_DEFAULTS,
  type QueryServer,
  type QueryServerOptions,
  startQueryServer,
} from "./server/start-query-server.js";
export {
  authorizeToken,
  loadWorkspaceTokens,
  MIN_TOKEN_LENGTH,
  parseWorkspaceTokens,
  type TokenDecision,
  tokenDigest,
  type WorkspaceTokens,
} from "./server/workspace-tokens.js";
export {
  type OverlayContext,
  openWorkspaceSession,
  type QueryOverrides,
  type SessionOptions,
  type SessionOverlay,
  type SessionTable,
  type TableOverlay,
  type WorkspaceSession,
} from "./session/open-workspace-session.js";
export type { QueryColumn, QueryResult, QueryValue } from "./session/query-result.js";
export type { QueryRows, QueryStream } from "./session/query-stream.js";
export { type UnionReadDeps, unionReadOverlay } from "./union/union-read-overlay.js";
