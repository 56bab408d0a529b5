// `facsimile schemas compile`: entity manifests -> .proto files, descriptor set, registry, typed TS and
// validators, and the grown lockfile. With --check it writes nothing and fails on any difference (CI).
import { relative } from "node:path";
import { parseArgs } from "node:util";
import { isFacsimileError } from "@facsimile/core";
import {
  compileSchemasDir,
  formatDiagnostic,
  resolveSchemasDir,
  SchemaCompileError,
} from "@facsimile/schemas-compiler";
import { type CliCommand, EXIT } from "../../command.js";

const usage = `usage: facsimile schemas compile [--schemas-dir <dir>] [--check]

Compiles schemas/entities/**/*.ts into schemas/gen (protos, descriptors.binpb, registry.json),
schemas/src/generated (typed inputs, zod validators) and grows schemas/facsimile.lock.json.

  --schemas-dir <dir>  the schemas folder (default: the nearest schemas/ with an entities/ folder)
  --check              write nothing; exit 1 when a fresh compile differs from the files on disk

exit codes: 0 done (or up to date), 1 --check found differences, 2 compile or usage error`;

const command: CliCommand = {
  summary: "compile entity manifests to protobuf, descriptors, registry and typed TS",
  usage,
  async run(args, io) {
    let values: { "schemas-dir"?: string | undefined; check?: boolean | undefined };
    try {
      ({ values } = parseArgs({
        args: [...args],
        options: { "schemas-dir": { type: "string" }, check: { type: "boolean" } },
        strict: true,
      }));
    } catch (err) {
      io.stderr(`${(err as Error).message}\n\n${usage}\n`);
      return EXIT.USAGE;
    }
    const schemasDir = await resolveSchemasDir(io.cwd, values["schemas-dir"]);
    if (schemasDir === undefined) {
      io.stderr("no schemas folder found: run inside the repository or pass --schemas-dir\n");
      return EXIT.USAGE;
    }
    const shown = relative(io.cwd, schemasDir) || ".";
    const started = performance.now();
    try {
      const result = await compileSchemasDir(schemasDir, { check: values.check === true });
      const ms = Math.round(performance.now() - started);
      const count = result.compiled.model.entities.length;
      if (result.differences !== undefined) {
        if (result.differences.length === 0) {
          io.stdout(`${shown}: ${count} entities, generated files up to date (${ms} ms)\n`);
          return EXIT.OK;
        }
        for (const d of result.differences) io.stdout(`${shown}/${d.path}:${d.line}: ${d.kind}\n`);
        io.stdout(
          `${result.differences.length} generated file(s) out of date: run \`facsimile schemas compile\`\n`,
        );
        return EXIT.FAILED;
      }
      const w = result.write;
      io.stdout(
        `${shown}: compiled ${count} entities in ${ms} ms: ${w?.written.length ?? 0} written, ` +
          `${w?.unchanged ?? 0} unchanged, ${w?.removed.length ?? 0} removed\n`,
      );
      for (const p of w?.written ?? []) io.stdout(`  wrote ${shown}/${p}\n`);
      for (const p of w?.removed ?? []) io.stdout(`  removed ${shown}/${p}\n`);
      return EXIT.OK;
    } catch (err) {
      if (err instanceof SchemaCompileError) {
        for (const d of err.diagnostics) io.stderr(`${formatDiagnostic(d, `${shown}/`)}\n`);
        io.stderr(`${err.diagnostics.length} error(s)\n`);
        return EXIT.USAGE;
      }
      if (isFacsimileError(err)) {
        io.stderr(`${err.message}\n`);
        return EXIT.USAGE;
      }
      throw err;
    }
  },
};

export default command;
