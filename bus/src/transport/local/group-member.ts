// Consumer-group membership for LocalTransport, between processes of one machine, through files only.
// A member heartbeats by touching its member file; it is dead when the file is older than the session timeout
// or its pid no longer runs. Ownership of partitions lives in owners.json, changed only under the group lock,
// so a partition never has two owners: a member gives up partitions only between batches, and takes a
// partition only when it is free or its owner is dead. Assignment: live members sorted by id, partition i of
// the sorted subscription goes to member i mod n.
import { randomBytes } from "node:crypto";
import { readdir, readFile, stat, unlink, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { TopicPartition } from "../types.js";
import { isProcessAlive, withFileLock } from "./file-lock.js";
import { ensureDir, type LocalLayout, readJson, writeFileAtomic } from "./local-layout.js";

export interface GroupMemberOptions {
  readonly sessionTimeoutMs: number;
  readonly lockTimeoutMs: number;
}

type Owners = Record<string, Record<string, string>>;

export function tpKey(tp: TopicPartition): string {
  return `${tp.topic}\u0000${tp.partition}`;
}

export class GroupMember {
  readonly memberId = `${process.pid}-${Date.now().toString(36)}-${randomBytes(4).toString("hex")}`;
  private owned: TopicPartition[] = [];

  constructor(
    private readonly layout: LocalLayout,
    readonly groupId: string,
    private readonly options: GroupMemberOptions,
  ) {}

  private get memberFile(): string {
    return join(this.layout.members(this.groupId), `${this.memberId}.json`);
  }

  async join(): Promise<void> {
    await ensureDir(this.layout.members(this.groupId));
    await writeFile(this.memberFile, JSON.stringify({ memberId: this.memberId, pid: process.pid }));
  }

  async heartbeat(): Promise<void> {
    const now = new Date();
    await utimes(this.memberFile, now, now).catch(async (err: NodeJS.ErrnoException) => {
      // Someone judged us dead and removed the file: come back; the next rebalance sorts out ownership.
      if (err.code === "ENOENT") await this.join();
      else throw err;
    });
  }

  assignment(): readonly TopicPartition[] {
    return this.owned;
  }

  /**
   * One rebalance step under the group lock: give up partitions that now belong to others, take free ones
   * that belong to us. `partitions` is the sorted subscription. Returns the partitions owned afterwards.
   */
  async rebalance(partitions: readonly TopicPartition[]): Promise<readonly TopicPartition[]> {
    await this.heartbeat();
    this.owned = await withFileLock(
      this.layout.groupLock(this.groupId),
      async () => {
        const live = await this.liveMembers();
        if (!live.includes(this.memberId)) live.push(this.memberId);
        live.sort();
        const rank = live.indexOf(this.memberId);
        const desired = new Set(partitions.filter((_, i) => i % live.length === rank).map(tpKey));
        const owners = (await readJson<Owners>(this.layout.owners(this.groupId))) ?? {};
        let changed = false;
        const owned: TopicPartition[] = [];
        for (const tp of partitions) {
          const byPartition = owners[tp.topic] ?? {};
          owners[tp.topic] = byPartition;
          const owner = byPartition[tp.partition];
          const mine = desired.has(tpKey(tp));
          if (owner === this.memberId && !mine) {
            delete byPartition[tp.partition];
            changed = true;
          } else if (mine && (owner === undefined || !live.includes(owner))) {
            byPartition[tp.partition] = this.memberId;
            changed = true;
          }
          if (byPartition[tp.partition] === this.memberId) owned.push(tp);
        }
        if (changed) await writeFileAtomic(this.layout.owners(this.groupId), JSON.stringify(owners));
        return owned;
      },
      { timeoutMs: this.options.lockTimeoutMs },
    );
    return this.owned;
  }

  /** True when owners.json says this member owns the partition right now. */
  async owns(tp: TopicPartition): Promise<boolean> {
    const owners = await readJson<Owners>(this.layout.owners(this.groupId));
    return owners?.[tp.topic]?.[tp.partition] === this.memberId;
  }

  /** Gives up every partition and removes the member file. */
  async leave(): Promise<void> {
    await withFileLock(
      this.layout.groupLock(this.groupId),
      async () => {
        const owners = (await readJson<Owners>(this.layout.owners(this.groupId))) ?? {};
        let changed = false;
        for (const byPartition of Object.values(owners)) {
          for (const [p, owner] of Object.entries(byPartition)) {
            if (owner === this.memberId) {
              delete byPartition[p];
              changed = true;
            }
          }
        }
        if (changed) await writeFileAtomic(this.layout.owners(this.groupId), JSON.stringify(owners));
        await unlink(this.memberFile).catch(() => undefined);
      },
      { timeoutMs: this.options.lockTimeoutMs },
    );
    this.owned = [];
  }

  /** Ids of members with a fresh heartbeat and a running process; removes the files of dead ones. */
  private async liveMembers(): Promise<string[]> {
    const dir = this.layout.members(this.groupId);
    const live: string[] = [];
    const now = Date.now();
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      if (!name.endsWith(".json")) continue;
      const path = join(dir, name);
      try {
        const [info, text] = await Promise.all([stat(path), readFile(path, "utf8")]);
        const { memberId, pid } = JSON.parse(text) as { memberId: string; pid: number };
        if (now - info.mtimeMs <= this.options.sessionTimeoutMs && isProcessAlive(pid)) live.push(memberId);
        else await unlink(path).catch(() => undefined);
      } catch {
        // Vanished or half-written member file: not live this round.
      }
    }
    return live;
  }
}
