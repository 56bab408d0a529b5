// `facsimile autoscale` flag handling, in-process: every usage error exits 2 with a message naming the flag, before
// any bus, process or port is touched; --help prints the usage.
import { describe, expect, it } from "vitest";
import { EXIT } from "../command.js";
import command from "./autoscale.js";

async function autoscale(args: string[]): Promise<{ exit: number; stdout: string; stderr: string }> {
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

describe("facsimile autoscale flags", () => {
  it.each([
    [[], /--region is required/],
    [["--region", "eu", "--kafka", "k:9092", "--local", "x"], /--kafka or --local, not both/],
    [["--region", "eu", "--min-workers=-1"], /--min-workers must be an integer >= 0, got -1/],
    [["--region", "eu", "--max-workers", "0"], /--max-workers must be an integer >= 1, got 0/],
    [["--region", "eu", "--interval-ms", "5"], /--interval-ms must be an integer >= 100/],
    [["--region", "eu", "--set-point", "many"], /--set-point must be an integer/],
    [["--region", "eu", "--serve-keda", "0"], /--serve-keda needs the workers' --metrics/],
    [["--region", "eu", "--serve-keda", "0", "--metrics", "http://x/metrics"], /needs --partitions/],
    [["--region", "eu"], /no bus: give --kafka/],
    [["--region", "eu", "--nope"], /nope/],
  ])("%j is a usage error", async (args, message) => {
    const r = await autoscale(args as string[]);
    expect(r.exit).toBe(EXIT.USAGE);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/usage: facsimile autoscale/);
  });

  it("rejects controller options the controller refuses, as a configuration error", async () => {
    const r = await autoscale(["--region", "eu", "--min-workers", "5", "--max-workers", "2", "--local", "x"]);
    expect(r.exit).toBe(EXIT.USAGE);
    expect(r.stderr).toMatch(/AUTOSCALE_CONFIG/);
  });

  it("--help prints the usage and exits 0; options after -- go to the workers, not to the parser", async () => {
    const r = await autoscale(["--help"]);
    expect(r.exit).toBe(EXIT.OK);
    expect(r.stdout).toMatch(/^usage: facsimile autoscale/);
    const passthrough = await autoscale(["--region", "eu", "--", "--bogus-ingest-flag"]);
    expect(passthrough.stderr).toMatch(/no bus/);
  });
});
