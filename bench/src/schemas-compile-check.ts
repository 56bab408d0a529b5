// Benchmark: `facsimile schemas compile` and `facsimile schemas check` on a generated 200-entity repository,
// as users run them (the CLI in a fresh node process) and in-process, each as a ratio against the same
// operation on this repository's own 4-entity schemas measured in the same run.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { checkExitCode, checkSchemas, compileSchemasDir } from "@facsimile/schemas-compiler";
import { generateSchemaSources } from "./schemas-generate.js";

const run = promisify(execFile);
const CLI = fileURLToPath(new URL("../../cli/dist/main.js", import.meta.url));
const OWN_SCHEMAS = fileURLToPath(new URL("../../schemas/", import.meta.url));
const ENTITIES = Number(process.env.BENCH_SCHEMA_ENTITIES ?? 200);

async function writeSources(schemasDir: string, sources: ReadonlyMap<string, string>): Promise<void> {
  for (const [path, text] of sources) {
    await mkdir(dirname(join(schemasDir, path)), { recursive: true });
    await writeFile(join(schemasDir, path), text);
  }
}

async function git(cwd: string, ...args: string[]): Promise<void> {
  await run("git", ["-c", "user.name=bench", "-c", "user.email=bench@example.com", ...args], { cwd });
}

/** Median wall time of `times` runs, in ms. */
async function time(times: number, f: () => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const t0 = performance.now();
    await f();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] ?? Number.NaN;
}

async function cli(cwd: string, ...args: string[]): Promise<void> {
  await run(process.execPath, [CLI, ...args], { cwd }).catch((err: { code?: number }) => {
    if (err.code !== 1) throw err;
  });
}

function line(label: string, ms: number, baseline: number): string {
  return `  ${label.padEnd(44)} ${ms.toFixed(0).padStart(7)} ms   x${(ms / baseline).toFixed(1)} of baseline`;
}

export async function run200(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), "facsimile-bench-schemas-"));
  try {
    const schemasDir = join(root, "schemas");
    await writeSources(schemasDir, generateSchemaSources(ENTITIES));
    await compileSchemasDir(schemasDir);
    await git(root, "init", "--quiet", "--initial-branch=main");
    await git(root, "add", "-A");
    await git(root, "commit", "--quiet", "-m", "base");
    // The change under review: a tenth of the entities gain two fields.
    await writeSources(schemasDir, generateSchemaSources(ENTITIES, Math.ceil(ENTITIES / 10), 2));

    const ownCompile = await time(3, () => compileSchemasDir(OWN_SCHEMAS, { check: true }));
    const bigCompile = await time(3, () => compileSchemasDir(schemasDir));
    const ownCheck = await time(3, () => checkSchemas({ schemasDir: OWN_SCHEMAS, against: "HEAD" }));
    const report = await checkSchemas({ schemasDir, against: "main" });
    const bigCheck = await time(3, () => checkSchemas({ schemasDir, against: "main" }));
    const ownCliCompile = await time(3, () => cli(OWN_SCHEMAS, "schemas", "compile", "--check"));
    const bigCliCompile = await time(3, () => cli(root, "schemas", "compile"));
    const ownCliCheck = await time(3, () => cli(OWN_SCHEMAS, "schemas", "check", "--against", "HEAD"));
    const bigCliCheck = await time(3, () => cli(root, "schemas", "check", "--against", "main"));

    console.log(
      `schemas: compile and check, ${ENTITIES} generated entities (baseline: this repo's 4 entities)`,
    );
    console.log(line("in-process compile, baseline", ownCompile, ownCompile));
    console.log(line(`in-process compile, ${ENTITIES} entities`, bigCompile, ownCompile));
    console.log(line("in-process check, baseline", ownCheck, ownCheck));
    console.log(line(`in-process check, ${ENTITIES} entities`, bigCheck, ownCheck));
    console.log(line("CLI `schemas compile --check`, baseline", ownCliCompile, ownCliCompile));
    console.log(line(`CLI \`schemas compile\`, ${ENTITIES} entities`, bigCliCompile, ownCliCompile));
    console.log(line("CLI `schemas check`, baseline", ownCliCheck, ownCliCheck));
    console.log(line(`CLI \`schemas check\`, ${ENTITIES} entities`, bigCliCheck, ownCliCheck));
    console.log(
      `  check verdict on the ${ENTITIES}-entity change: exit ${checkExitCode(report)}, ` +
        `${report.violations.length} violation(s)`,
    );
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

export default run200;
