// Public surface of @facsimile/demo: the one-command demo (`facsimile demo`, `npm run demo`): a generated Jira-like
// workload published through the producer SDK, ingested per region, checked against the last-writer-wins oracle.
export { type DemoCliIo, demoCommand } from "./demo-command.js";
export { DEFAULT_DEMO_SETTINGS, type DemoSettings, runDemo } from "./run-demo.js";
