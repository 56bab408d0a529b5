// The control commands' flag handling, in-process: usage errors exit 2 with a message naming what is wrong, before
// any directory, bus or lake is opened; --help prints the usage with exit 0; the progress line of a job.
import { describe, expect, it } from "vitest";
import type { CliCommand } from "../../command.js";
import { EXIT } from "../../command.js";
import erase from "./erase.js";
import jobs from "./jobs.js";
import migrate, { progressLine } from "./migrate.js";

async function run(
  command: CliCommand,
  args: string[],
): Promise<{ exit: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const exit = await command.run(args, {
    cwd: process.cwd(),
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

describe("facsimile control flags", () => {
  it.each([
    [erase, [], /--workspace is required/],
    [
      erase,
      ["--workspace", "w", "--merge-wait", "soon"],
      /--merge-wait must be a non-negative integer, got soon/,
    ],
    [erase, ["--workspace", "w", "--bogus"], /bogus/],
    [migrate, [], /give --workspace \(with --to\), --resume or --rollback/],
    [migrate, ["--workspace", "w"], /--to is required/],
    [migrate, ["--workspace", "w", "--resume", "j"], /give --workspace/],
    [
      migrate,
      ["--workspace", "w", "--to", "us", "--settle", "1.5"],
      /--settle must be a non-negative integer/,
    ],
    [jobs, ["--bogus"], /bogus/],
  ] as const)("%#: a usage error", async (command, args, message) => {
    const r = await run(command, [...args]);
    expect(r.exit).toBe(EXIT.USAGE);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/usage: facsimile control/);
  });

  it("--help prints each command's usage with exit 0", async () => {
    for (const [command, name] of [
      [erase, "erase"],
      [migrate, "migrate"],
      [jobs, "jobs"],
    ] as const) {
      const r = await run(command, ["--help"]);
      expect(r.exit).toBe(EXIT.OK);
      expect(r.stdout).toMatch(new RegExp(`^usage: facsimile control ${name}`));
    }
  });

  it("prints a job's progress as a line (pipe) or a bar (terminal)", () => {
    const job = {
      id: "migrate-w-1",
      kind: "migrate" as const,
      plan: {
        workspaceId: "w",
        from: ["eu"],
        to: ["us"],
        add: ["us"],
        remove: ["eu"],
        keep: [],
        source: "eu",
      },
      step: "copied" as const,
      progress: "copied",
      done: 1,
      total: 4,
      actor: "t",
      reason: "t",
      createdAt: "",
      updatedAt: "",
    };
    expect(progressLine(job, false)).toBe("migrate-w-1: copied\n");
    expect(progressLine(job, true)).toMatch(/^\rmigrate-w-1 \[#####\s{15}\] 1\/4 copied/);
  });
});
