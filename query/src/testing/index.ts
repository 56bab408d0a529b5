// @facsimile/query/testing: test support. A small example lake, and the sandbox conformance suite every query
// surface (session, HTTP, CLI) passes.
export { type ExampleLake, openExampleLake } from "./example-lake.js";
export {
  describeSandboxConformance,
  EXPECTED_ISSUES_RESOLVED_PER_MONTH,
  type SandboxConformanceContext,
  type SandboxConformanceRunner,
  type SandboxSurface,
  type SurfaceOutcome,
} from "./sandbox-conformance.js";
