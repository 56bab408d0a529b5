// @facsimile/query/testing: test support. A small example lake, and the sandbox conformance suite every query
// surface (session, HTTP, CLI) passes, and the hostile analyst's suite they pass too.
export { type ExampleLake, openExampleLake } from "./example-lake.js";
export {
  describeHostileQueries,
  HOST_READS,
  HOSTILE_RSS_BOUND_BYTES,
  type HostileQueriesContext,
  type HostileQueriesRunner,
  LIMIT_BREACHES,
} from "./hostile-queries.js";
export {
  describeSandboxConformance,
  EXPECTED_ISSUES_RESOLVED_PER_MONTH,
  type SandboxConformanceContext,
  type SandboxConformanceRunner,
  type SandboxSurface,
  type SurfaceOutcome,
} from "./sandbox-conformance.js";
