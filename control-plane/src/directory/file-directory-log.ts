// The directory log of embedded mode: JSON lines appended to one file (default `<data dir>/directory.log`),
// fsynced before append() resolves. Appends are single write() calls in O_APPEND mode, so writers in several
// processes interleave whole lines; a reader only takes complete lines (a line being written is read next time).
import { mkdir, open } from "node:fs/promises";
import { dirname } from "node:path";
import { DirectoryLogError } from "../errors.js";
import { type DirectoryEvent, decodeEvent, encodeEvent } from "./directory-entry.js";
import type { DirectoryCursor, DirectoryLog } from "./directory-log.js";

export function createFileDirectoryLog(path: string): DirectoryLog {
  return {
    url: `file://${path}`,
    async append(events: readonly DirectoryEvent[]) {
      if (events.length === 0) return;
      const text = events.map((e) => `${encodeEvent(e)}\n`).join("");
      try {
        await mkdir(dirname(path), { recursive: true });
        const handle = await open(path, "a");
        try {
          await handle.write(text);
          await handle.sync();
        } finally {
          await handle.close();
        }
      } catch (err) {
        throw new DirectoryLogError(`cannot append to the directory log ${path}: ${(err as Error).message}`, {
          cause: err,
          context: { path },
        });
      }
    },
    async read(cursor: DirectoryCursor) {
      let bytes: Buffer;
      try {
        const handle = await open(path, "r");
        try {
          const { size } = await handle.stat();
          const start = Number(cursor);
          bytes = Buffer.alloc(Math.max(0, size - start));
          if (bytes.length > 0) await handle.read(bytes, 0, bytes.length, start);
        } finally {
          await handle.close();
        }
      } catch (err) {
        if ((err as { code?: string }).code === "ENOENT") return { events: [], cursor };
        throw new DirectoryLogError(`cannot read the directory log ${path}: ${(err as Error).message}`, {
          cause: err,
          context: { path },
        });
      }
      const end = bytes.lastIndexOf(0x0a);
      if (end < 0) return { events: [], cursor };
      const lines = bytes.subarray(0, end).toString("utf8").split("\n");
      const events = lines
        .filter((l) => l.trim() !== "")
        .map((l, i) => decodeEvent(l, `${path} (line ${i + 1} after byte ${cursor})`));
      return { events, cursor: cursor + BigInt(end + 1) };
    },
    async close() {},
  };
}
