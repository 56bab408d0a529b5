// Reads the hand-written models of a folder: every `<name>.sql` directly in it is the model `<name>`. Other
// files (README.md, notes) are ignored. Reads only; compiling is compileModel's.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ModelConfigError, ModelsDirError } from "../errors.js";
import { TABLE_NAME_PATTERN } from "../names.js";
import type { ModelSource } from "./render-template.js";

/** This package's own models folder (transforms/models), from src/ and dist/ alike. */
export const DEFAULT_MODELS_DIR = fileURLToPath(new URL("../../models/", import.meta.url));

export async function readModelFiles(dir: string): Promise<ModelSource[]> {
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true }))
      .filter((e) => e.isFile() && e.name.endsWith(".sql"))
      .map((e) => e.name)
      .sort();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ModelsDirError(dir, code === "ENOENT" ? "does not exist" : `cannot be read (${code})`, {
      cause: err,
    });
  }
  return Promise.all(
    names.map(async (fileName): Promise<ModelSource> => {
      const name = fileName.slice(0, -".sql".length);
      const file = join(dir, fileName);
      if (!TABLE_NAME_PATTERN.test(name))
        throw new ModelConfigError(
          { model: name, file },
          `a model file name is its model name and must match ${TABLE_NAME_PATTERN} (lower snake case)`,
        );
      return { name, file, origin: "file", template: await readFile(file, "utf8") };
    }),
  );
}
