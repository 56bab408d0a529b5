// Sidecar metadata of the local object store (KMS key id, content type), kept outside the key space so
// independent readers of the data files (DuckDB, delta-rs) never see it. A sidecar names the inode and size of
// the data file it describes: when they do not match (a racing put replaced the file), it is ignored, so head()
// may omit a key id but never reports a wrong one.
import { createHash, randomBytes } from "node:crypto";
import type { Stats } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { errnoCode } from "./local-fs-errors.js";

export interface LocalMetadata {
  readonly kmsKeyId?: string;
  readonly contentType?: string;
  /** Bytes of the plaintext, when the file holds an encrypted envelope. */
  readonly plainSize?: number;
}

interface Sidecar extends LocalMetadata {
  readonly ino: number;
  readonly size: number;
}

export class LocalMetadataStore {
  constructor(
    private readonly metaRoot: string,
    private readonly tmpRoot: string,
  ) {}

  /** Hashed, so keys that are prefixes of one another ("a", "a/b") never collide as file and directory. */
  private path(key: string): string {
    const digest = createHash("sha256").update(key).digest("hex");
    return join(this.metaRoot, digest.slice(0, 2), `${digest}.json`);
  }

  /** Records metadata for the data file `stat` describes; removes any sidecar when there is nothing to record. */
  async write(key: string, stat: Stats, meta: LocalMetadata): Promise<void> {
    if (meta.kmsKeyId === undefined && meta.contentType === undefined) {
      await this.remove(key);
      return;
    }
    const sidecar: Sidecar = { ...meta, ino: stat.ino, size: stat.size };
    const path = this.path(key);
    const tmp = join(this.tmpRoot, `meta-${randomBytes(8).toString("hex")}`);
    await writeFile(tmp, JSON.stringify(sidecar), { flag: "wx" });
    try {
      await mkdir(dirname(path), { recursive: true });
      await rename(tmp, path);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  /** The metadata of the data file `stat` describes, or {} when there is none that matches it. */
  async read(key: string, stat: Stats): Promise<LocalMetadata> {
    let text: string;
    try {
      text = await readFile(this.path(key), "utf8");
    } catch (err) {
      const code = errnoCode(err);
      if (code === "ENOENT" || code === "ENOTDIR") return {};
      throw err;
    }
    const sidecar = JSON.parse(text) as Sidecar;
    if (sidecar.ino !== stat.ino || sidecar.size !== stat.size) return {};
    return {
      ...(sidecar.kmsKeyId === undefined ? {} : { kmsKeyId: sidecar.kmsKeyId }),
      ...(sidecar.contentType === undefined ? {} : { contentType: sidecar.contentType }),
      ...(sidecar.plainSize === undefined ? {} : { plainSize: sidecar.plainSize }),
    };
  }

  async remove(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }
}
