// @facsimile/control-plane/testing: support for tests and benchmarks only: the directory log conformance suite
// and the auditor's scan of every object for erased values.
export { type DirectoryConformanceApi, describeDirectoryLogConformance } from "./directory-conformance.js";
export { type ObjectScanHit, scanObjects } from "./scan-objects.js";
