// Test and benchmark support: what the merge stage committed to a region's target tables, read from their Delta
// logs: how many commits carried merge txns, and every sink range merged twice for one Kafka partition (a commit
// whose txn for a partition does not move past an earlier commit's: the same records merged again).
import { regionLayout } from "@facsimile/lake";
import type { ObjectStore } from "@facsimile/object-store";
import { partitionMergeAppId } from "../merge/merge-txns.js";

export interface MergeCommits {
  /** Commits carrying at least one merge txn, over all the tables. */
  readonly commits: number;
  /** Per table, its merge commits. */
  readonly byTable: Readonly<Record<string, number>>;
  /** Readable lines, one per partition range merged again. */
  readonly doubled: readonly string[];
}

export async function readMergeCommits(
  store: ObjectStore,
  region: string,
  tables: readonly string[],
  appId: string,
  lakeRoot = "",
): Promise<MergeCommits> {
  const root = lakeRoot.replace(/^\/+|\/+$/g, "");
  const prefix = `${partitionMergeAppId(appId, 0).slice(0, -1)}`;
  let commits = 0;
  const byTable: Record<string, number> = {};
  const doubled: string[] = [];
  for (const table of tables) {
    const path = regionLayout.table(region, table);
    const log = `${root === "" ? path : `${root}/${path}`}/_delta_log/`;
    const keys: string[] = [];
    for await (const o of store.list(log)) if (/\/\d{20}\.json$/.test(o.key)) keys.push(o.key);
    keys.sort();
    const last = new Map<string, number>();
    byTable[table] = 0;
    for (const key of keys) {
      const text = new TextDecoder().decode(await store.get(key));
      let merge = false;
      for (const line of text.split("\n")) {
        if (line.trim() === "") continue;
        const txn = (JSON.parse(line) as { txn?: { appId: string; version: number } }).txn;
        if (txn === undefined || !txn.appId.startsWith(prefix)) continue;
        merge = true;
        const before = last.get(txn.appId);
        if (before !== undefined && txn.version <= before)
          doubled.push(`${table}: ${txn.appId} at ${txn.version} after ${before} (${key.split("/").pop()})`);
        last.set(txn.appId, Math.max(before ?? -1, txn.version));
      }
      if (merge) {
        commits++;
        byTable[table] = (byTable[table] ?? 0) + 1;
      }
    }
  }
  return { commits, byTable, doubled };
}
