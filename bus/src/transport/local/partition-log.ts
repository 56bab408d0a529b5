// One partition of LocalTransport: an append-only file of frames (see log-frame.ts) with a sparse in-memory
// offset index. Appends hold the partition's lock file, repair a torn tail left by a crash, and fsync before
// they resolve. Reads never block appends of other processes and never see a partial frame.
// One PartitionLog per file per process (openPartitionLog shares and reference-counts them).
import { constants } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
import { TransportError } from "../../errors.js";
import { withFileLock } from "./file-lock.js";
import {
  claimedFrameSize,
  decodeFrame,
  encodeFrames,
  type Frame,
  frameOffsetAt,
  frameSizeAt,
} from "./log-frame.js";

/** Every INDEX_EVERY-th offset's byte position is kept in memory; a read scans at most that many frames. */
const INDEX_EVERY = 128n;
const CHUNK_BYTES = 1 << 20;

export interface AppendInput {
  readonly key: string | undefined;
  readonly value: Uint8Array;
  readonly headers: Readonly<Record<string, string>>;
}

export interface ReadLimits {
  readonly maxCount: number;
  /** Stop after this many bytes (at least one frame is always returned). */
  readonly maxBytes: number;
}

export class PartitionLog {
  private handle: FileHandle | undefined;
  private goodEnd = 0;
  private next = 0n;
  private readonly sparse: number[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  refs = 0;

  constructor(
    readonly path: string,
    private readonly lockTimeoutMs: number,
  ) {}

  /** Offset the next appended frame gets. */
  nextOffset(): Promise<bigint> {
    return this.serial(async () => {
      await this.refresh();
      return this.next;
    });
  }

  /** Appends the frames with consecutive offsets; returns the first one. */
  append(inputs: readonly AppendInput[], timestamp: number, fsync: boolean): Promise<bigint> {
    return this.serial(() =>
      withFileLock(
        `${this.path}.lock`,
        async () => {
          const fh = await this.file();
          await this.refresh();
          // Bytes past the last intact frame are a torn write of a crashed appender: never acknowledged, so cut.
          if ((await fh.stat()).size > this.goodEnd) await fh.truncate(this.goodEnd);
          const base = this.next;
          const bytes = encodeFrames(inputs.map((m, i) => ({ ...m, offset: base + BigInt(i), timestamp })));
          let written = 0;
          while (written < bytes.length) {
            const r = await fh.write(bytes, written, bytes.length - written, this.goodEnd + written);
            written += r.bytesWritten;
          }
          if (fsync) await fh.datasync();
          this.index(bytes, this.goodEnd);
          return base;
        },
        { timeoutMs: this.lockTimeoutMs },
      ),
    );
  }

  /** Frames from `from` on, in offset order, within the limits; empty when `from` is at or past the end. */
  read(from: bigint, limits: ReadLimits): Promise<Frame[]> {
    return this.serial(async () => {
      await this.refresh();
      if (from >= this.next || from < 0n) return [];
      const fh = await this.file();
      let pos = this.sparse[Number(from / INDEX_EVERY)] ?? 0;
      const frames: Frame[] = [];
      let bytes = 0;
      const take = (buf: Uint8Array, at: number): boolean => {
        if (frameOffsetAt(buf, at) < from) return false;
        const frame = decodeFrame(buf, at);
        frames.push(frame);
        bytes += frame.size;
        return frames.length >= limits.maxCount || bytes >= limits.maxBytes;
      };
      scan: while (pos < this.goodEnd) {
        const chunk = await readAt(fh, pos, Math.min(CHUNK_BYTES, this.goodEnd - pos));
        let p = 0;
        for (;;) {
          const size = claimedFrameSize(chunk, p);
          if (size === undefined || p + size > chunk.length) break;
          if (take(chunk, p)) break scan;
          p += size;
        }
        if (p === 0) {
          // One frame larger than the chunk: read exactly that frame.
          const size = claimedFrameSize(chunk, 0) ?? chunk.length;
          if (take(await readAt(fh, pos, size), 0)) break;
          p = size;
        }
        pos += p;
      }
      return frames;
    });
  }

  async close(): Promise<void> {
    await this.serial(async () => {
      await this.handle?.close();
      this.handle = undefined;
    });
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async file(): Promise<FileHandle> {
    this.handle ??= await open(this.path, constants.O_RDWR | constants.O_CREAT, 0o644);
    return this.handle;
  }

  /** Indexes intact frames that other processes (or we) appended since the last look. */
  private async refresh(): Promise<void> {
    const fh = await this.file();
    const size = (await fh.stat()).size;
    while (this.goodEnd < size) {
      const chunk = await readAt(fh, this.goodEnd, Math.min(CHUNK_BYTES, size - this.goodEnd));
      const claimed = claimedFrameSize(chunk, 0);
      if (claimed !== undefined && claimed > chunk.length && this.goodEnd + claimed <= size) {
        const big = await readAt(fh, this.goodEnd, claimed);
        if (this.index(big, this.goodEnd) === 0) return;
        continue;
      }
      if (this.index(chunk, this.goodEnd) === 0) return;
    }
  }

  /** Adds the intact frames at the start of `buf` (file position `at`) to the index; returns bytes consumed. */
  private index(buf: Uint8Array, at: number): number {
    let p = 0;
    for (;;) {
      const size = frameSizeAt(buf, p);
      if (size === undefined) break;
      const offset = frameOffsetAt(buf, p);
      if (offset !== this.next) {
        throw new TransportError(
          "LOG_CORRUPT",
          `${this.path}: frame at byte ${at + p} has offset ${offset}, expected ${this.next}`,
          { context: { path: this.path, position: at + p } },
        );
      }
      if (offset % INDEX_EVERY === 0n) this.sparse.push(at + p);
      this.next += 1n;
      p += size;
    }
    this.goodEnd = at + p;
    return p;
  }
}

async function readAt(fh: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const buf = new Uint8Array(length);
  let got = 0;
  while (got < length) {
    const r = await fh.read(buf, got, length - got, position + got);
    if (r.bytesRead === 0) break;
    got += r.bytesRead;
  }
  return got === length ? buf : buf.subarray(0, got);
}

const logs = new Map<string, PartitionLog>();

/** The process-wide PartitionLog of `path` (absolute); release it with releasePartitionLog. */
export function openPartitionLog(path: string, lockTimeoutMs: number): PartitionLog {
  let log = logs.get(path);
  if (log === undefined) {
    log = new PartitionLog(path, lockTimeoutMs);
    logs.set(path, log);
  }
  log.refs += 1;
  return log;
}

export async function releasePartitionLog(log: PartitionLog): Promise<void> {
  log.refs -= 1;
  if (log.refs > 0) return;
  if (logs.get(log.path) === log) logs.delete(log.path);
  await log.close();
}
