// Public surface of @facsimile/cli: the dispatcher and the command contract, for tests and embedding.
export { type CliCommand, type CliIo, EXIT, processIo } from "./command.js";
export { listCommands, runCli } from "./dispatch.js";
export { resolveSchemasDir } from "./schemas-dir.js";
