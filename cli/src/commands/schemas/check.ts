// `facsimile schemas check --against <ref>`: the expand-contract gate for pull requests. Compares the
// working tree's entity sources and lockfile with a git ref and prints violations as text, JSON lines or
// GitHub annotations. Exit 0 clean, 1 violations, 2 compile or usage error.
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { isFacsimileError } from "@facsimile/core";
import {
  checkExitCode,
  checkSchemas,
  formatCheckReport,
  REPORT_FORMATS,
  type ReportFormat,
  resolveSchemasDir,
} from "@facsimile/schemas-compiler";
import { type CliCommand, EXIT } from "../../command.js";

const usage = `usage: facsimile schemas check --against <git-ref> [--format text|json|github] [--schemas-dir <dir>]
                               [--overrides <file>]

Compares schemas/entities and schemas/facsimile.lock.json in the working tree with <git-ref> and enforces
expand-contract (rule ids: see schemas/README.md). Intended breaks need a committed override in
schemas/facsimile.overrides.json; the output lists every override applied.

  --against <git-ref>  the base to compare with, e.g. origin/main
  --format <f>         text (default), json (JSON lines), github (workflow annotations)
  --schemas-dir <dir>  the schemas folder (default: the nearest schemas/ with an entities/ folder)
  --overrides <file>   overrides file (default: <schemas-dir>/facsimile.overrides.json)

exit codes: 0 clean, 1 violations, 2 compile or usage error`;

const command: CliCommand = {
  summary: "check the working tree's schemas against a git ref (expand-contract)",
  usage,
  async run(args, io) {
    let values: { against?: string; format?: string; "schemas-dir"?: string; overrides?: string };
    try {
      ({ values } = parseArgs({
        args: [...args],
        options: {
          against: { type: "string" },
          format: { type: "string", default: "text" },
          "schemas-dir": { type: "string" },
          overrides: { type: "string" },
        },
        strict: true,
      }));
    } catch (err) {
      io.stderr(`${(err as Error).message}\n\n${usage}\n`);
      return EXIT.USAGE;
    }
    const format = values.format ?? "text";
    if (values.against === undefined || !(REPORT_FORMATS as readonly string[]).includes(format)) {
      io.stderr(
        `${values.against === undefined ? "--against is required" : `unknown --format ${format}`}\n\n${usage}\n`,
      );
      return EXIT.USAGE;
    }
    const schemasDir = await resolveSchemasDir(io.cwd, values["schemas-dir"]);
    if (schemasDir === undefined) {
      io.stderr("no schemas folder found: run inside the repository or pass --schemas-dir\n");
      return EXIT.USAGE;
    }
    try {
      const report = await checkSchemas({
        schemasDir,
        against: values.against,
        ...(values.overrides === undefined ? {} : { overridesPath: resolve(io.cwd, values.overrides) }),
      });
      io.stdout(formatCheckReport(report, format as ReportFormat));
      return checkExitCode(report);
    } catch (err) {
      if (isFacsimileError(err)) {
        io.stderr(`${err.message}\n`);
        return EXIT.USAGE;
      }
      throw err;
    }
  },
};

export default command;
