// Iceberg metadata beside the Delta log, for the same Parquet files: after merges (files rewritten), tombstones,
// small-file folding, a checkpoint and a history purge, PyIceberg and DuckDB's iceberg_scan read the rows that
// delta-rs and our reader read, on disk and on S3-compatible storage layouts alike (here: local disk).
import { join } from "node:path";
import {
  ICEBERG_PROPERTY,
  type MergeConfig,
  mergeBatch,
  openDuckDb,
  purgeHistory,
  readRows,
  readTable,
  type Table,
} from "@facsimile/lake";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureEngines, runEnginesPython } from "../engines.js";
import { ensureInterop, readDelta } from "../interop.js";
import { type LakeFixture, lakeFixture, rowSet } from "./lake-support.js";

let lake: LakeFixture;
beforeAll(async () => {
  ensureInterop();
  ensureEngines();
  lake = await lakeFixture();
}, 20 * 60_000);
afterAll(async () => {
  await lake?.close();
});

const PYICEBERG = `
import json, sys
from pyiceberg.table import StaticTable
rows = StaticTable.from_metadata(sys.argv[1]).scan().to_arrow().to_pylist()
def enc(v):
    if hasattr(v, "isoformat"):
        return v.isoformat()
    raise TypeError(type(v))
print(json.dumps(rows, default=enc))
`;

async function pyIcebergRows(metadata: string): Promise<Record<string, unknown>[]> {
  return JSON.parse(await runEnginesPython(PYICEBERG, [metadata])) as Record<string, unknown>[];
}

async function icebergScanRows(metadata: string): Promise<Record<string, unknown>[]> {
  const db = await openDuckDb({ extensions: ["avro", "iceberg"] });
  try {
    const reader = await db.connection.runAndReadAll(`SELECT * FROM iceberg_scan('${metadata}')`);
    return reader.getRowObjectsJson() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

/** The metadata.json of the table's latest Delta version. */
async function latestMetadata(table: Table, root: string): Promise<string> {
  const { snapshot } = await readTable(table);
  return join(root, "metadata", `v${snapshot.version + 1}.metadata.json`);
}

const config: MergeConfig = {
  kind: "merge",
  primaryKey: ["id"],
  partitionColumns: ["ws", "at"],
  foldFilesAbove: 3,
  tableProperties: { [ICEBERG_PROPERTY]: "true" },
};

describe("Iceberg metadata beside the Delta log", () => {
  it(
    "PyIceberg and DuckDB iceberg_scan read delta-rs' rows after merges, tombstones, folding and a purge",
    async () => {
      const name = "iceberg-beside";
      const table = await lake.table(lake.local, name);
      const root = join(lake.local.root, name);
      for (let b = 0; b < 6; b++)
        await mergeBatch(
          table,
          config,
          {
            sql:
              `SELECT CASE WHEN range % 3 = 0 THEN '' ELSE 'ws' || (range % 3) END AS ws, ` +
              `TIMESTAMPTZ '2024-03-10 05:00:00.5+00' + to_hours(range % 2) AS at, range AS id, 'b${b}' AS val, ` +
              `[range, ${b}] AS nums, 0::BIGINT AS _generation, ${b}::BIGINT AS _version, ` +
              `${b === 4} AND range % 2 = 0 AS _is_tombstone, md5('${b}') AS _payload_hash FROM range(${b * 3}, ${b * 3 + 10})`,
          },
          { appId: "m", version: b },
        );
      const ours = rowSet(await readRows(table));
      expect(ours.length).toBe(25);
      const theirs = rowSet((await readDelta(root)).rows);
      expect(theirs).toEqual(ours);
      const metadata = await latestMetadata(table, root);
      expect(rowSet(await pyIcebergRows(metadata))).toEqual(ours);
      expect(rowSet(await icebergScanRows(metadata))).toEqual(ours);

      // Maintenance: the history before the latest version is cut; a later merge still keeps both formats in step.
      await purgeHistory(table);
      await mergeBatch(
        table,
        config,
        {
          sql:
            "SELECT 'ws1' AS ws, TIMESTAMPTZ '2024-03-10 05:00:00.5+00' AS at, 1::BIGINT AS id, 'late' AS val, [1::BIGINT] AS nums, " +
            "0::BIGINT AS _generation, 99::BIGINT AS _version, false AS _is_tombstone, md5('late') AS _payload_hash",
        },
        { appId: "m", version: 6 },
      );
      const after = rowSet(await readRows(table));
      expect(after).not.toEqual(ours);
      const latest = await latestMetadata(table, root);
      expect(rowSet((await readDelta(root)).rows)).toEqual(after);
      expect(rowSet(await pyIcebergRows(latest))).toEqual(after);
      expect(rowSet(await icebergScanRows(latest))).toEqual(after);
    },
    10 * 60_000,
  );
});
