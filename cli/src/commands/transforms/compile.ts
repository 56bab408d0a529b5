// `facsimile transforms compile [model]`: prints the DuckDB SQL of the transform models (generated defaults,
// overridden by hand-written models) for review, each after a comment saying what it reads and writes, and
// checks every printed model with an in-memory DuckDB. Reads the repository's compiled schemas; writes nothing.
import { relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { isFacsimileError } from "@facsimile/core";
import { loadDefaultRegistry } from "@facsimile/schemas";
import {
  type CompiledModel,
  checkModels,
  compileModels,
  DEFAULT_MODELS_DIR,
  ModelsDirError,
  modelSources,
  UnknownModelError,
} from "@facsimile/transforms";
import { type CliCommand, type CliIo, EXIT } from "../../command.js";

const usage = `usage: facsimile transforms compile [model] [--models-dir <dir>] [--template]

Prints the DuckDB SQL of the transform models: one generated default per entity (its snake_case name,
e.g. jira_issue), replaced by a hand-written <dir>/<name>.sql of the same name, plus every other model
file. Each model is checked with DuckDB against an empty source relation.

  model               print only this model
  --models-dir <dir>  the hand-written models (default: ${DEFAULT_MODELS_DIR})
  --template          print the model's template instead of its SQL (a start for an override)

exit codes: 0 printed, 1 a model does not compile or DuckDB rejects it, 2 usage error or unknown model`;

function shown(io: CliIo, file: string): string {
  if (file.startsWith("<")) return file;
  const rel = relative(io.cwd, file);
  return rel.startsWith("..") ? file : rel;
}

function header(io: CliIo, model: CompiledModel): string {
  const w = model.writer;
  const keys =
    w.kind === "merge"
      ? `primary key (${w.primaryKey.join(", ")})`
      : w.kind === "merge-exploded"
        ? `parent key (${w.parentKey.join(", ")}), child key (${w.childKey.join(", ")})`
        : w.clusterBy === undefined
          ? "rows verbatim"
          : `clustered by (${w.clusterBy.join(", ")})`;
  return (
    `-- model ${model.name} (${shown(io, model.file)})\n` +
    `-- reads ${model.entities.join(", ")}; writes ${model.table} with ${w.kind}: ${keys}; ` +
    `partitioned by (${w.partitionColumns.join(", ")})\n`
  );
}

const command: CliCommand = {
  summary: "print the compiled DuckDB SQL of the transform models",
  usage,
  async run(args, io) {
    let parsed: {
      values: { "models-dir"?: string | undefined; template?: boolean | undefined };
      positionals: string[];
    };
    try {
      parsed = parseArgs({
        args: [...args],
        options: { "models-dir": { type: "string" }, template: { type: "boolean" } },
        allowPositionals: true,
        strict: true,
      });
      if (parsed.positionals.length > 1)
        throw new Error(`expected at most one model, got ${parsed.positionals.join(" ")}`);
    } catch (err) {
      io.stderr(`${(err as Error).message}\n\n${usage}\n`);
      return EXIT.USAGE;
    }
    const wanted = parsed.positionals[0];
    const dirOption = parsed.values["models-dir"];
    const modelsDir = dirOption === undefined ? DEFAULT_MODELS_DIR : resolve(io.cwd, dirOption);
    const registry = loadDefaultRegistry();
    try {
      if (parsed.values.template === true) {
        const { sources } = await modelSources(registry, { modelsDir });
        const chosen = wanted === undefined ? sources : sources.filter((s) => s.name === wanted);
        if (chosen.length === 0)
          throw new UnknownModelError(
            wanted ?? "",
            sources.map((s) => s.name),
          );
        for (const s of chosen)
          io.stdout(`{# model ${s.name} (${shown(io, s.file)}) #}\n${s.template.trimEnd()}\n\n`);
        return EXIT.OK;
      }
      const compiled = await compileModels(registry, { modelsDir });
      const chosen =
        wanted === undefined ? compiled.models : compiled.models.filter((m) => m.name === wanted);
      if (chosen.length === 0)
        throw new UnknownModelError(
          wanted ?? "",
          compiled.models.map((m) => m.name),
        );
      const check = await checkModels(registry, chosen);
      for (const m of chosen) io.stdout(`${header(io, m)}${m.sql};\n\n`);
      for (const e of check.errors) io.stderr(`${e.message}\n`);
      return check.errors.length === 0 ? EXIT.OK : EXIT.FAILED;
    } catch (err) {
      if (err instanceof UnknownModelError || err instanceof ModelsDirError) {
        io.stderr(`${err.message}\n`);
        return EXIT.USAGE;
      }
      if (isFacsimileError(err)) {
        io.stderr(`${err.message}\n`);
        return EXIT.FAILED;
      }
      throw err;
    }
  },
};

export default command;
