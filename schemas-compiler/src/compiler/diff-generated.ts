// Compares compiled artefacts with what is on disk: the GENERATED_UP_TO_DATE rule and the CI diff.
// Reports changed, missing and stale files, with the first differing line of text files.
import { readdir, readFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { GENERATED_PATHS } from "./compile-schemas.js";

export interface GeneratedDifference {
  /** Path relative to the schemas folder. */
  readonly path: string;
  readonly kind: "changed" | "missing" | "stale";
  /** First differing line (1-based) for changed text files, else 1. */
  readonly line: number;
}

/** The folders whose every file the compiler owns. */
export const OWNED_DIRS: readonly string[] = Object.freeze(["gen", GENERATED_PATHS.tsDir]);

async function listFiles(dir: string, base: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries
      .filter((e) => e.isFile())
      .map((e) => relative(base, join(e.parentPath, e.name)).split(sep).join("/"));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
}

/** Files under the owned folders that the compiler would not write (e.g. the proto of a removed entity). */
export async function staleGeneratedFiles(
  schemasDir: string,
  files: ReadonlyMap<string, string | Uint8Array>,
): Promise<string[]> {
  const present = (
    await Promise.all(OWNED_DIRS.map((d) => listFiles(join(schemasDir, d), schemasDir)))
  ).flat();
  return present.filter((p) => !files.has(p)).sort();
}

function firstDifferentLine(a: string, b: string): number {
  const la = a.split("\n");
  const lb = b.split("\n");
  for (let i = 0; i < Math.max(la.length, lb.length); i++) if (la[i] !== lb[i]) return i + 1;
  return 1;
}

export async function diffGenerated(
  schemasDir: string,
  files: ReadonlyMap<string, string | Uint8Array>,
): Promise<GeneratedDifference[]> {
  const out: GeneratedDifference[] = [];
  for (const [path, content] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    let disk: Buffer;
    try {
      disk = await readFile(join(schemasDir, path));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
      out.push({ path, kind: "missing", line: 1 });
      continue;
    }
    const want = typeof content === "string" ? Buffer.from(content, "utf8") : Buffer.from(content);
    if (want.equals(disk)) continue;
    const line = typeof content === "string" ? firstDifferentLine(content, disk.toString("utf8")) : 1;
    out.push({ path, kind: "changed", line });
  }
  for (const path of await staleGeneratedFiles(schemasDir, files)) out.push({ path, kind: "stale", line: 1 });
  return out;
}
