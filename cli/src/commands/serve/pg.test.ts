// `facsimile serve pg` in-process: usage errors name the flag, and the endpoint starts from a credentials file
// (union read on and off), answers an SSLRequest with 'N' when no certificate is given, and stops on its signal.
// (Real clients drive the endpoint in test/src/query/pg-endpoint.test.ts.)
import { writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { join } from "node:path";
import { type ExampleLake, openExampleLake } from "@facsimile/query/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import command from "./pg.js";
import type { ServeCliIo } from "./query.js";

let lake: ExampleLake;

beforeAll(async () => {
  lake = await openExampleLake();
  await writeFile(
    join(lake.dir, "creds.json"),
    JSON.stringify({ workspaces: { "ws-alpha": "alpha-pg-secret-0123456789" } }),
  );
});
afterAll(async () => {
  await lake.close();
});

function start(args: readonly string[]) {
  const out = { stdout: "", stderr: "" };
  const controller = new AbortController();
  const io: ServeCliIo = {
    cwd: lake.dir,
    env: { FACSIMILE_LAKE: lake.location },
    stdout: (t) => {
      out.stdout += t;
    },
    stderr: (t) => {
      out.stderr += t;
    },
    signal: controller.signal,
  };
  return { out, exit: command.run(args, io), stop: () => controller.abort() };
}

async function port(out: { stdout: string }, exit: Promise<number>): Promise<number> {
  for (let i = 0; i < 400; i++) {
    const found = /on 127\.0\.0\.1:(\d+) /.exec(out.stdout)?.[1];
    if (found !== undefined) return Number(found);
    const done = await Promise.race([exit, new Promise((r) => setTimeout(() => r(undefined), 25))]);
    if (done !== undefined) throw new Error(`the server exited with ${done}`);
  }
  throw new Error("the server did not say where it listens");
}

/** Sends an SSLRequest and returns the one-byte answer. */
function sslAnswer(p: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(p, "127.0.0.1", () => {
      const request = Buffer.alloc(8);
      request.writeInt32BE(8, 0);
      request.writeInt32BE(80877103, 4);
      socket.write(request);
    });
    socket.once("data", (b) => {
      resolve(b.toString("latin1", 0, 1));
      socket.destroy();
    });
    socket.once("error", reject);
  });
}

describe("facsimile serve pg", () => {
  it("refuses missing or inconsistent flags with a usage error", async () => {
    for (const [args, message] of [
      [["--credentials", "creds.json"], "--region is required"],
      [["--region", lake.region], "--credentials is required"],
      [["--region", lake.region, "--credentials", "creds.json", "--auth", "md5"], "--auth must be"],
      [
        ["--region", lake.region, "--credentials", "creds.json", "--tls-cert", "c.pem"],
        "--tls-cert and --tls-key",
      ],
      [["--region", lake.region, "--credentials", "creds.json", "--port", "70000"], "bad --port"],
    ] as const) {
      const run = start(args);
      expect(await run.exit, message).toBe(2);
      expect(run.out.stderr).toContain(message);
    }
  });

  for (const union of [true, false])
    it(`starts with the union read ${union ? "on" : "off"}, refuses SSL without a certificate, stops on its signal`, async () => {
      const run = start([
        "--region",
        lake.region,
        "--credentials",
        "creds.json",
        "--port",
        "0",
        ...(union ? [] : ["--no-union-read"]),
      ]);
      const p = await port(run.out, run.exit);
      expect(run.out.stdout).toContain(`union read ${union ? "on" : "off"}, TLS off`);
      expect(await sslAnswer(p)).toBe("N");
      run.stop();
      expect(await run.exit).toBe(0);
      expect(run.out.stderr).not.toContain("alpha-pg-secret");
    });
});
