// The descriptor set the compiler builds must be what `buf build` makes of the .proto files it emits.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { fromBinary, toJson } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema, FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { afterAll, beforeAll, expect, it } from "vitest";
import { compileSchemasDir } from "./compile-dir.js";

const BUF = fileURLToPath(new URL("../../../node_modules/.bin/buf", import.meta.url));
const SCHEMAS = fileURLToPath(new URL("../../../schemas/", import.meta.url));
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "facsimile-descriptors-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function byFile(bytes: Uint8Array): Map<string, unknown> {
  const set = fromBinary(FileDescriptorSetSchema, bytes);
  return new Map(set.file.map((f) => [f.name, toJson(FileDescriptorProtoSchema, f)]));
}

it("equals buf build of the emitted protos, file by file", async () => {
  const { compiled } = await compileSchemasDir(SCHEMAS, { check: true });
  const protoRoot = join(dir, "proto");
  for (const [path, content] of compiled.files) {
    if (!path.startsWith("gen/proto/")) continue;
    const target = join(protoRoot, path.slice("gen/proto/".length));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
  }
  const out = join(dir, "buf.binpb");
  await promisify(execFile)(BUF, ["build", protoRoot, "--exclude-source-info", "-o", out]);
  const ours = byFile(compiled.files.get("gen/descriptors.binpb") as Uint8Array);
  const bufs = byFile(new Uint8Array(await readFile(out)));
  expect([...ours.keys()].sort()).toEqual([...bufs.keys()].sort());
  for (const [name, json] of ours) expect(json, name).toEqual(bufs.get(name));
});
