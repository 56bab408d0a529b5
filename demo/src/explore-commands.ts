// The `facsimile query` commands the demo prints to explore its lake, exactly as they run from the working
// directory: `npx facsimile` when the command is linked into a node_modules/.bin at or above it (any install of
// the project), else `node <path>/main.js` (the demo run from a folder outside the project); --lake only when the
// query command's default would not find this lake. Pure apart from looking for the link.
import { existsSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { lakeLocation } from "@facsimile/core";
import { EXAMPLE_QUERIES } from "@facsimile/query";

export interface ExploreInput {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The lake: an absolute folder or an s3:// URL. */
  readonly lake: string;
  /** Variables the query needs in its environment (S3_ENDPOINT for an S3 lake). */
  readonly queryEnv: Readonly<Record<string, string>>;
  readonly region: string;
  readonly workspace: string;
}

/** A SQL an analyst would try first; no quotes or `$`, so it survives double quotes in any POSIX shell. */
export const EXPLORE_SQL =
  "SELECT status, count(*) AS issues, count(resolved_at) AS resolved FROM jira_issue GROUP BY status ORDER BY issues DESC";

export function shellWord(word: string): string {
  if (/^[A-Za-z0-9_./:=,@%+-]+$/.test(word)) return word;
  if (!/[$`"\\!]/.test(word)) return `"${word}"`;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** `npx facsimile` when linked at or above cwd, else `node <relative path of the CLI's main.js>`. */
export function facsimileInvocation(cwd: string): string {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "node_modules", ".bin", "facsimile"))) return "npx facsimile";
    if (dirname(dir) === dir) break;
  }
  // This module sits in demo/src or demo/dist, a sibling of the CLI package; the CLI's main.js runs from cli/dist.
  const main = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "cli", "dist", "main.js");
  return `node ${shellWord(shortPath(cwd, main))}`;
}

/** A path relative to cwd when it lies below it, else absolute. */
function shortPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel === "" ? "." : rel.startsWith("..") || isAbsolute(rel) ? path : rel;
}

export function exploreCommands(input: ExploreInput): string[] {
  const lakeFlag =
    lakeLocation(undefined, input.env, input.cwd) === input.lake
      ? ""
      : ` --lake ${shellWord(isAbsolute(input.lake) ? shortPath(input.cwd, input.lake) : input.lake)}`;
  const envPrefix = Object.entries(input.queryEnv)
    .map(([k, v]) => `${k}=${shellWord(v)} `)
    .join("");
  const base = `${envPrefix}${facsimileInvocation(input.cwd)} query${lakeFlag} --region ${shellWord(input.region)} --workspace ${shellWord(input.workspace)}`;
  const example = EXAMPLE_QUERIES[0]?.name ?? "issues-resolved-per-month";
  return [
    `${base} ${shellWord(EXPLORE_SQL)}`,
    `${base} --example ${example}`,
    `${base}   # an interactive prompt`,
  ];
}
