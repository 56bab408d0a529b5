// Reads what the check needs out of a git revision: the entity sources and the lockfile of the schemas
// folder, in two git processes (ls-tree, then one cat-file --batch for every blob). Never writes to git.
import { execFile, spawn } from "node:child_process";
import { promisify } from "node:util";
import { SchemaCheckUsageError } from "../compile-errors.js";
import { isEntitySourcePath } from "../compiler/read-entity-sources.js";

const run = promisify(execFile);

async function git(cwd: string, args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await run("git", [...args], { cwd, maxBuffer: 256 * 1024 * 1024 });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new SchemaCheckUsageError(`git ${args.join(" ")} failed: ${(e.stderr ?? e.message).trim()}`, {
      cwd,
    });
  }
}

export async function repositoryRoot(cwd: string): Promise<string> {
  return (await git(cwd, ["rev-parse", "--show-toplevel"])).trim();
}

/** The commit a ref names; a usage error when it names nothing. */
export async function resolveCommit(repoRoot: string, ref: string): Promise<string> {
  if (ref.startsWith("-")) throw new SchemaCheckUsageError(`not a git ref: ${ref}`, { ref });
  try {
    const { stdout } = await run("git", ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], {
      cwd: repoRoot,
    });
    return stdout.trim();
  } catch {
    throw new SchemaCheckUsageError(`unknown git ref "${ref}": fetch it first (e.g. git fetch origin main)`, {
      ref,
    });
  }
}

/** Object name -> content, for names that exist; one `git cat-file --batch` process. */
async function catFiles(repoRoot: string, names: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (names.length === 0) return out;
  const child = spawn("git", ["cat-file", "--batch"], { cwd: repoRoot, stdio: ["pipe", "pipe", "pipe"] });
  const chunks: Buffer[] = [];
  child.stdout.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<number>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve(code ?? 1));
  });
  child.stdin.end(`${names.join("\n")}\n`);
  if ((await done) !== 0) throw new SchemaCheckUsageError("git cat-file --batch failed", { repoRoot });
  const buf = Buffer.concat(chunks);
  let pos = 0;
  for (const name of names) {
    const nl = buf.indexOf(10, pos);
    const header = buf.subarray(pos, nl).toString("utf8");
    pos = nl + 1;
    if (header.endsWith(" missing") || header.endsWith(" ambiguous")) continue;
    const size = Number(header.split(" ")[2]);
    out.set(name, buf.subarray(pos, pos + size).toString("utf8"));
    pos += size + 1;
  }
  return out;
}

export interface RevisionSchemas {
  /** Path relative to the schemas folder -> text. */
  readonly sources: Map<string, string>;
  readonly lockfileText: string | undefined;
}

/** `schemasRel`: the schemas folder relative to the repository root, with forward slashes ("" for the root). */
export async function readRevisionSchemas(
  repoRoot: string,
  commit: string,
  schemasRel: string,
  lockfileName: string,
): Promise<RevisionSchemas> {
  const prefix = schemasRel === "" ? "" : `${schemasRel}/`;
  const listing = await git(repoRoot, [
    "ls-tree",
    "-r",
    "-z",
    "--full-tree",
    commit,
    "--",
    `${prefix}entities`,
  ]);
  const paths = listing
    .split("\0")
    .filter((l) => l.includes("\t"))
    .map((l) => l.slice(l.indexOf("\t") + 1))
    .filter((p) => isEntitySourcePath(p));
  const lockName = `${commit}:${prefix}${lockfileName}`;
  const blobs = await catFiles(repoRoot, [...paths.map((p) => `${commit}:${p}`), lockName]);
  const sources = new Map<string, string>();
  for (const p of paths.sort()) {
    const text = blobs.get(`${commit}:${p}`);
    if (text !== undefined) sources.set(p.slice(prefix.length), text);
  }
  return { sources, lockfileText: blobs.get(lockName) };
}
