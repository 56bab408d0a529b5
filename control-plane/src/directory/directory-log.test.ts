import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLocalTransport } from "@facsimile/bus";
import { afterAll, describe, expect, it } from "vitest";
import { isControlPlaneError } from "../errors.js";
import { describeDirectoryLogConformance } from "../testing/directory-conformance.js";
import { bootstrapDirectory, parseStaticDirectory } from "./bootstrap-directory.js";
import { createDirectoryView } from "./directory-view.js";
import { createFileDirectoryLog } from "./file-directory-log.js";
import { createTransportDirectoryLog } from "./transport-directory-log.js";

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), "facsimile-directory-"));
  dirs.push(d);
  return d;
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

let filePath: string | undefined;
describeDirectoryLogConformance(
  "file directory log",
  async () => {
    filePath ??= join(await tempDir(), "directory.log");
    return createFileDirectoryLog(filePath);
  },
  { describe, it },
);

let busDir: string | undefined;
describeDirectoryLogConformance(
  "transport directory log on the embedded bus",
  async () => {
    busDir ??= await tempDir();
    const transport = createLocalTransport({ directory: busDir, fsync: false });
    const log = createTransportDirectoryLog(transport);
    return {
      ...log,
      close: async () => {
        await log.close();
        await transport.close();
      },
    };
  },
  { describe, it },
);

describe("directory bootstrap and malformed input", () => {
  it("registers the static file's workspaces the log lacks, once, and leaves known ones alone", async () => {
    const log = createFileDirectoryLog(join(await tempDir(), "d.log"));
    const view = createDirectoryView(log);
    const file = parseStaticDirectory(
      JSON.stringify({
        workspaces: { a: "eu", b: { regions: ["us", "eu"], realm: "global", kmsKeyId: "k" } },
      }),
    );
    expect(await bootstrapDirectory(view, file)).toEqual(["a", "b"]);
    expect(await bootstrapDirectory(view, file)).toEqual([]);
    expect(view.regionsOf("b")).toEqual(["us", "eu"]);
    expect(view.get("a")).toMatchObject({ realm: "eu", state: "ONLINE", seq: 1 });
    expect(() => parseStaticDirectory('{"workspaces": {"x": {}}}')).toThrow(/has no region/);
    expect(() => parseStaticDirectory('{"workspaces": {"x": "EU!"}}')).not.toThrow();
    await expect(
      bootstrapDirectory(view, parseStaticDirectory('{"workspaces": {"x": "EU!"}}')),
    ).rejects.toThrow(/region "EU!"/);
  });

  it("names the file and line of a corrupt event", async () => {
    const path = join(await tempDir(), "bad.log");
    await writeFile(path, '{"not": "an event"}\n');
    const err = await createFileDirectoryLog(path)
      .read(0n)
      .catch((e: unknown) => e);
    expect(isControlPlaneError(err)).toBe(true);
    expect(String(err)).toMatch(/bad\.log \(line 1/);
  });
});
