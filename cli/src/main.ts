#!/usr/bin/env node
// The `facsimile` executable: hands argv to the dispatcher and exits with the command's code.
import { processIo } from "./command.js";
import { runCli } from "./dispatch.js";

process.exitCode = await runCli(process.argv.slice(2), processIo());
