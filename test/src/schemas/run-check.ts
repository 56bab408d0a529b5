// Runs `facsimile schemas check` in-process on a case repository and parses its JSON-lines output.
import { runCli } from "@facsimile/cli";
import type { Finding } from "@facsimile/schemas-compiler";

export interface CheckLine extends Partial<Finding> {
  readonly type:
    | "violation"
    | "overridden"
    | "unused_override"
    | "compile_error"
    | "base_warning"
    | "summary";
  readonly reason?: string;
  readonly code?: string;
}

export interface CheckRun {
  readonly exit: number;
  readonly stdout: string;
  readonly stderr: string;
}

export async function runFacsimile(cwd: string, ...argv: string[]): Promise<CheckRun> {
  let stdout = "";
  let stderr = "";
  const exit = await runCli(argv, {
    cwd,
    env: {},
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
  });
  return { exit, stdout, stderr };
}

export function parseJsonLines(stdout: string): CheckLine[] {
  return stdout
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as CheckLine);
}

export async function checkJson(
  cwd: string,
  against = "HEAD",
): Promise<{ exit: number; lines: CheckLine[] }> {
  const run = await runFacsimile(cwd, "schemas", "check", "--against", against, "--format", "json");
  return { exit: run.exit, lines: parseJsonLines(run.stdout) };
}
