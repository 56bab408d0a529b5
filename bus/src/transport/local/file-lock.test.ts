import { mkdtemp, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { withFileLock } from "./file-lock.js";

describe("withFileLock", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "file-lock-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("breaks an empty lock file left long ago by a process killed between create and write", async () => {
    const path = join(dir, "group.lock");
    await writeFile(path, "");
    const old = new Date(Date.now() - 60_000);
    await utimes(path, old, old);
    const seen = await withFileLock(path, () => readFile(path, "utf8"), { timeoutMs: 1_000 });
    expect(seen).toBe(String(process.pid));
  });

  it("waits on a fresh empty lock file (its owner is between create and write) and times out", async () => {
    const path = join(dir, "group.lock");
    await writeFile(path, "");
    await expect(withFileLock(path, async () => "ran", { timeoutMs: 200 })).rejects.toMatchObject({
      code: "LOCK_TIMEOUT",
    });
  });

  it("breaks a lock whose pid no longer runs", async () => {
    const path = join(dir, "group.lock");
    await writeFile(path, "2147483646");
    await expect(withFileLock(path, async () => "ran", { timeoutMs: 1_000 })).resolves.toBe("ran");
  });
});
