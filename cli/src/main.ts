#!/usr/bin/env node
// The `facsimile` executable: hands argv to the dispatcher and exits with the command's code.
import { processIo } from "./command.js";
import { runCli } from "./dispatch.js";

// A reader that stops early (`facsimile ... | head`) closes the pipe: that ends the output, not the command's success.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
  process.exit(process.exitCode ?? 0);
});

process.exitCode = await runCli(process.argv.slice(2), processIo());
