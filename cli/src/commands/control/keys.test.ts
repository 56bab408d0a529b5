// `facsimile control rotate-key` and `shred-key` in-process on an embedded data folder (file directory log,
// local lake): a workspace gets a key of its own (created in the keystore), its objects are re-encrypted under
// it, then shredding it makes them unreadable while the other workspace's objects read on.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { envelopeKeyId, KmsKeyUnavailableError, LocalObjectStore } from "@facsimile/object-store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CliCommand, CliIo } from "../../command.js";
import rotateKey from "./rotate-key.js";
import shredKey from "./shred-key.js";

let dir: string;
let store: LocalObjectStore;
const sha = (c: string) => c.repeat(64);
const objectOf = (ws: string, c: string) => `regions/eu/offload/${ws}/${c}${c}/${sha(c)}`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "facsimile-cli-keys-"));
  await writeFile(
    join(dir, "directory.json"),
    JSON.stringify({ workspaces: { "ws-a": { region: "eu" }, "ws-b": { region: "eu" } } }),
  );
  store = new LocalObjectStore(join(dir, "lake"), { durable: false });
  await store.put(objectOf("ws-a", "a"), new TextEncoder().encode("payload of a"));
  await store.put(objectOf("ws-b", "b"), new TextEncoder().encode("payload of b"));
  // The table folder the listing finds regions by.
  await store.put(
    "regions/eu/tables/items/_delta_log/00000000000000000000.json",
    new TextEncoder().encode("{}"),
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function run(
  command: CliCommand,
  args: readonly string[],
): Promise<{ exit: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: CliIo = {
    cwd: dir,
    env: {},
    stdout: (t) => {
      out += t;
    },
    stderr: (t) => {
      err += t;
    },
  };
  const exit = await command.run(
    [...args, "--data", dir, "--bootstrap", "directory.json", "--settle", "0"],
    io,
  );
  return { exit, out, err };
}

describe("control rotate-key and shred-key, embedded", () => {
  it("plans, then gives each workspace its own key and re-encrypts its objects", async () => {
    const plan = await run(rotateKey, ["--workspace", "ws-a", "--to", "key-a", "--create-key", "--dry-run"]);
    expect(plan.exit, plan.err).toBe(0);
    expect(plan.out).toContain("to re-encrypt: 1");
    expect(store.encrypts()).toBe(false);
    for (const [ws, key] of [
      ["ws-a", "key-a"],
      ["ws-b", "key-b"],
    ] as const) {
      const r = await run(rotateKey, ["--workspace", ws, "--to", key, "--create-key"]);
      expect(r.exit, r.err).toBe(0);
      expect(r.out).toContain(`1 object(s)`);
    }
    expect((await store.head(objectOf("ws-a", "a")))?.kmsKeyId).toBe("key-a");
    const raw = await readFile(join(store.root, objectOf("ws-b", "b")));
    expect(envelopeKeyId(raw, { url: "", key: "" })).toBe("key-b");
    expect(new TextDecoder().decode(await store.get(objectOf("ws-b", "b")))).toBe("payload of b");
    const unknown = await run(rotateKey, ["--workspace", "ws-a", "--to", "no-such-key"]);
    expect(unknown.exit).toBe(1);
    expect(unknown.err).toContain("KEY_NOT_USABLE");
  });

  it("shreds one workspace's key: its objects are unreadable, the other's read on", async () => {
    const plan = await run(shredKey, ["--workspace", "ws-a", "--dry-run", "--json"]);
    expect(plan.exit, plan.err).toBe(0);
    expect(JSON.parse(plan.out)).toMatchObject({ workspaceId: "ws-a", keyId: "key-a", objects: 1 });
    const r = await run(shredKey, ["--workspace", "ws-a"]);
    expect(r.exit, r.err).toBe(0);
    expect(r.out).toContain("key key-a is Destroyed");
    await expect(store.get(objectOf("ws-a", "a"))).rejects.toBeInstanceOf(KmsKeyUnavailableError);
    expect(new TextDecoder().decode(await store.get(objectOf("ws-b", "b")))).toBe("payload of b");
    const again = await run(rotateKey, ["--workspace", "ws-a", "--to", "key-b"]);
    expect(again.exit).toBe(1);
    expect(again.err).toContain("ERASED");
  });
});
