// Writes compiled artefacts into a schemas folder: every file the compiler produced (only when its bytes
// change, so timestamps stay put), and removes stale files from the folders the compiler owns.
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { staleGeneratedFiles } from "./diff-generated.js";

export interface WriteResult {
  readonly written: readonly string[];
  readonly removed: readonly string[];
  readonly unchanged: number;
}

export async function writeGenerated(
  schemasDir: string,
  files: ReadonlyMap<string, string | Uint8Array>,
): Promise<WriteResult> {
  const written: string[] = [];
  let unchanged = 0;
  for (const [path, content] of files) {
    const target = join(schemasDir, path);
    const bytes = typeof content === "string" ? Buffer.from(content, "utf8") : Buffer.from(content);
    const existing = await readFile(target).catch(() => undefined);
    if (existing?.equals(bytes)) {
      unchanged++;
      continue;
    }
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, bytes);
    written.push(path);
  }
  const removed = await staleGeneratedFiles(schemasDir, files);
  for (const path of removed) await rm(join(schemasDir, path));
  return { written: written.sort(), removed, unchanged };
}
