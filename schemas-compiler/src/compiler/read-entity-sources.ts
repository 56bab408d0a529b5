// Reads the entity manifests of a schemas folder from disk: every .ts file under entities/ (tests and
// declaration files excluded), keyed by path relative to the schemas folder with forward slashes.
import { readdir, readFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";

export const ENTITIES_DIR = "entities";

export function isEntitySourcePath(path: string): boolean {
  return path.endsWith(".ts") && !path.endsWith(".d.ts") && !path.endsWith(".test.ts");
}

export async function readEntitySources(schemasDir: string): Promise<Map<string, string>> {
  const root = join(schemasDir, ENTITIES_DIR);
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const paths = entries
    .filter((e) => e.isFile())
    .map((e) => relative(schemasDir, join(e.parentPath, e.name)).split(sep).join("/"))
    .filter(isEntitySourcePath)
    .sort();
  const out = new Map<string, string>();
  for (const p of paths) out.set(p, await readFile(join(schemasDir, p), "utf8"));
  return out;
}

export async function readOptionalFile(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}
