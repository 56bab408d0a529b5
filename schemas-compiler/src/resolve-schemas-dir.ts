// Finds the schemas folder for the `schemas` commands: --schemas-dir when given, else the nearest
// `schemas/` (with an entities/ folder) at or above the working directory, or the working directory
// itself when it is one.
import { stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";

async function hasEntities(dir: string): Promise<boolean> {
  return (await stat(join(dir, "entities")).catch(() => undefined))?.isDirectory() ?? false;
}

export async function resolveSchemasDir(cwd: string, given: string | undefined): Promise<string | undefined> {
  if (given !== undefined) return resolve(cwd, given);
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (await hasEntities(join(dir, "schemas"))) return join(dir, "schemas");
    if (await hasEntities(dir)) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}
