// Where LocalTransport keeps what, under its root directory, and small atomic-file helpers:
//   topics/<topic>/topic.json                partition count and config
//   topics/<topic>/<partition>.log (+.lock)   the partition log
//   groups/<group>/members/<member>.json     live members; mtime is the heartbeat
//   groups/<group>/owners.json               partition -> owning member, changed only under group.lock
//   groups/<group>/offsets/<topic>/<p>        committed offset (next to read)
import { randomBytes } from "node:crypto";
import { link, mkdir, readFile, rename, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { TransportError } from "../../errors.js";

const TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/;

export function assertTopicName(topic: string): void {
  if (!TOPIC_NAME.test(topic) || topic === "." || topic === "..") {
    throw new TransportError(
      "INVALID_TOPIC",
      `invalid topic name ${JSON.stringify(topic)}: use [A-Za-z0-9._-]`,
      {
        context: { topic },
      },
    );
  }
}

/** Group ids may hold any characters; the directory name must not. */
function groupDir(groupId: string): string {
  return Buffer.from(groupId, "utf8").toString("base64url") || "_";
}

export class LocalLayout {
  constructor(readonly root: string) {}
  topicDir(topic: string): string {
    assertTopicName(topic);
    return join(this.root, "topics", topic);
  }
  topicMeta(topic: string): string {
    return join(this.topicDir(topic), "topic.json");
  }
  partitionLog(topic: string, partition: number): string {
    return join(this.topicDir(topic), `${partition}.log`);
  }
  group(groupId: string): string {
    return join(this.root, "groups", groupDir(groupId));
  }
  members(groupId: string): string {
    return join(this.group(groupId), "members");
  }
  owners(groupId: string): string {
    return join(this.group(groupId), "owners.json");
  }
  groupLock(groupId: string): string {
    return join(this.group(groupId), "group.lock");
  }
  offsetsDir(groupId: string, topic: string): string {
    assertTopicName(topic);
    return join(this.group(groupId), "offsets", topic);
  }
}

/** Replaces `path` atomically (temp file, fsync, rename): readers see the old or the new content, never half. */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  const tmp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  await writeFile(tmp, content, { flush: true });
  await rename(tmp, path);
}

/** Creates `path` with `content` only if absent (hard link of a complete temp file); false when it existed. */
export async function createFileAtomic(path: string, content: string): Promise<boolean> {
  const tmp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  await writeFile(tmp, content, { flush: true });
  try {
    await link(tmp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

export async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

export async function ensureDir(path: string): Promise<void> {
  await mkdir(path, { recursive: true });
}
