// `facsimile demo` (`npm run demo`): the command lives in @facsimile/demo; the CLI only dispatches to it.
import { demoCommand } from "@facsimile/demo";
import type { CliCommand } from "../command.js";

const command: CliCommand = demoCommand;
export default command;
