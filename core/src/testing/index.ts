// @facsimile/core/testing: support for tests and benchmarks only.
export { DEFAULT_WAIT_FOR_OPTIONS, type WaitForOptions, waitFor } from "./wait-for.js";
