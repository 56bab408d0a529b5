// Public surface of @facsimile/cli: the dispatcher and the command contract, for tests and embedding.
// The demo's work is @facsimile/demo; finding the schemas folder is @facsimile/schemas-compiler's resolveSchemasDir.
export { type CliCommand, type CliIo, EXIT, processIo } from "./command.js";
export { listCommands, runCli } from "./dispatch.js";
