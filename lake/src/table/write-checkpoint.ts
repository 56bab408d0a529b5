// Writes the Parquet checkpoint of one snapshot and the `_last_checkpoint` hint. Called only from commit.ts (the
// one path that writes `_delta_log/`), after the commit of that version succeeded. A checkpoint only restates
// committed state, so losing one (crash, failed upload) costs replay time, never correctness.
import { randomUUID } from "node:crypto";
import { mkdir, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { exclusive } from "../io/exclusive.js";
import { quoteIdent, quoteLiteral } from "../io/sql-text.js";
import type { Action } from "./actions.js";
import { CHECKPOINT_COLUMNS } from "./checkpoint-schema.js";
import { checkpointKey, lastCheckpointKey } from "./log-paths.js";
import type { Snapshot } from "./snapshot.js";
import type { Table } from "./table.js";

/** The actions a checkpoint of `snapshot` holds: protocol, metaData, txns, live files, unexpired tombstones. */
export function checkpointActions(snapshot: Snapshot, now: number, retentionMs: number): Action[] {
  const out: Action[] = [{ protocol: snapshot.protocol }, { metaData: snapshot.metadata }];
  for (const txn of snapshot.txns.values()) out.push({ txn });
  for (const add of snapshot.files.values()) out.push({ add: { ...add, dataChange: false } });
  for (const remove of snapshot.tombstones.values())
    if ((remove.deletionTimestamp ?? 0) > now - retentionMs)
      out.push({ remove: { ...remove, dataChange: false } });
  return out;
}

export async function writeCheckpoint(table: Table, snapshot: Snapshot): Promise<void> {
  const actions = checkpointActions(snapshot, Date.now(), table.options.tombstoneRetentionMs);
  const dir = join(table.options.scratchDir, `checkpoint-${randomUUID()}`);
  await mkdir(dir, { recursive: true });
  try {
    const json = join(dir, "actions.json");
    const parquet = join(dir, "checkpoint.parquet");
    await writeFile(json, `${actions.map((a) => JSON.stringify(a)).join("\n")}\n`);
    const columns = Object.entries(CHECKPOINT_COLUMNS)
      .map(([name, type]) => `${quoteIdent(name)}: ${quoteLiteral(type)}`)
      .join(", ");
    await exclusive(table.duckdb, () =>
      table.duckdb.run(
        `COPY (SELECT ${Object.keys(CHECKPOINT_COLUMNS).map(quoteIdent).join(", ")} ` +
          `FROM read_json(${quoteLiteral(json)}, format = 'newline_delimited', columns = {${columns}})) ` +
          `TO ${quoteLiteral(parquet)} (FORMAT parquet, COMPRESSION snappy)`,
      ),
    );
    const kms = table.options.logKmsKeyId === undefined ? {} : { kmsKeyId: table.options.logKmsKeyId };
    await table.store.putFile(checkpointKey(table, snapshot.version), parquet, kms);
    const hint = { version: snapshot.version, size: actions.length, sizeInBytes: (await stat(parquet)).size };
    await table.store.put(lastCheckpointKey(table), new TextEncoder().encode(JSON.stringify(hint)), {
      ...kms,
      contentType: "application/json",
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
