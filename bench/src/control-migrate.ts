// Benchmark of a residency migration, on local disk, in one run: a workspace of --rows rows (default 1M) in a
// Merge table of region eu (beside another workspace of the same size) moves to us through the control plane's
// job (copy through the Merge writer with a txn, switch, verify by key and LWW order, delete with the history
// cut). Baseline: DuckDB alone copying the same rows Parquet to Parquet (read the partition, write it zstd),
// measured in the same run. Printed: each step's seconds, the total against the baseline (ratio), rows/s, and
// the time a 10M-row workspace would take at that rate (the blog's anchor: the largest tenants in under 60
// minutes). A program, not a test. Run: `node bench/dist/index.js control-migrate [--rows 100000] [--json]`.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import {
  bootstrapDirectory,
  createDirectoryView,
  createFileDirectoryLog,
  createJobStore,
  type MigrationJob,
  startMigration,
} from "@facsimile/control-plane";
import { type MergeConfig, mergeBatch, openDuckDb, openTable, regionLayout } from "@facsimile/lake";
import { LocalObjectStore } from "@facsimile/object-store";

const WRITER: MergeConfig = Object.freeze({
  kind: "merge",
  primaryKey: ["id"],
  partitionColumns: ["workspace_id"],
});

function rowsSql(workspace: string, rows: number): string {
  return (
    `SELECT '${workspace}' AS workspace_id, i AS id, 'title ' || i AS title, ` +
    `'lorem ipsum dolor sit amet ' || (i * 2654435761 % 1000003) AS body, to_timestamp(1704067200 + i) AS updated_at, ` +
    "0::BIGINT AS _generation, 1::BIGINT AS _version, false AS _is_tombstone, md5(i::VARCHAR) AS _payload_hash " +
    `FROM range(${rows}) r(i)`
  );
}

export default async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: { rows: { type: "string" }, threads: { type: "string" }, json: { type: "boolean" } },
    strict: false,
  });
  const rows = Number(values.rows ?? 1_000_000);
  const threads = Number(values.threads ?? 2);
  const dir = await mkdtemp(join(tmpdir(), "facsimile-migrate-bench-"));
  const db = await openDuckDb({
    config: { threads: String(threads), temp_directory: join(dir, "duckdb-tmp") },
  });
  const store = new LocalObjectStore(join(dir, "lake"), { durable: false });
  try {
    const conn = db.connection;
    const table = openTable(store, regionLayout.table("eu", "items"), conn, {
      scratchDir: join(dir, "scratch"),
    });
    for (const ws of ["stays", "moves"])
      await mergeBatch(table, WRITER, { sql: rowsSql(ws, rows) }, { appId: `load:${ws}`, version: 1 });

    // Baseline: DuckDB reads the same rows from the table's Parquet and writes them again.
    const base = performance.now();
    await conn.run(
      `COPY (SELECT * FROM read_parquet('${join(dir, "lake", regionLayout.table("eu", "items"))}/workspace_id=moves/*.parquet')) ` +
        `TO '${join(dir, "baseline.parquet")}' (FORMAT parquet, COMPRESSION zstd)`,
    );
    const baselineSeconds = (performance.now() - base) / 1000;

    const view = createDirectoryView(createFileDirectoryLog(join(dir, "directory.log")));
    await bootstrapDirectory(
      view,
      ["stays", "moves"].map((id) => ({
        workspaceId: id,
        realm: "global",
        regions: ["eu"],
        state: "ONLINE" as const,
        deletionGeneration: "0",
        keyId: undefined,
        erasedResources: [],
      })),
    );
    const steps: Record<string, number> = {};
    let last = performance.now();
    let previous = "planned";
    const start = last;
    const job: MigrationJob = await startMigration(
      {
        store,
        lakeRoot: "",
        duckdb: conn,
        writers: [{ table: "items", writer: WRITER }],
        view,
        jobs: createJobStore(store),
        onProgress: (j) => {
          if (j.step === previous) return;
          const now = performance.now();
          steps[j.step] = (now - last) / 1000;
          last = now;
          previous = j.step;
        },
      },
      "moves",
      ["us"],
      { settleMs: 0, mergeWaitMs: 0 },
    );
    const seconds = (performance.now() - start) / 1000;
    const result = {
      bench: "control-migrate",
      rows,
      threads,
      step: job.step,
      seconds,
      steps,
      baselineSeconds,
      ratio: seconds / baselineSeconds,
      rowsPerSecond: rows / seconds,
      projectedMinutesFor10M: 10_000_000 / (rows / seconds) / 60,
    };
    if (values.json === true) {
      console.log(JSON.stringify(result));
      return;
    }
    console.log(
      `control migrate bench: a workspace of ${rows.toLocaleString("en")} rows, eu -> us, ${threads} threads`,
    );
    console.log(
      `  steps: ${Object.entries(steps)
        .map(([s, t]) => `${s} ${t.toFixed(2)} s`)
        .join(", ")}`,
    );
    console.log(
      `  migration ${seconds.toFixed(2)} s; DuckDB Parquet-to-Parquet copy of the same rows ${baselineSeconds.toFixed(2)} s; ` +
        `ratio ${result.ratio.toFixed(2)}; ${Math.round(result.rowsPerSecond).toLocaleString("en")} rows/s; ` +
        `10M rows would take ${result.projectedMinutesFor10M.toFixed(1)} min (anchor: under 60)`,
    );
  } finally {
    db.close();
    await rm(dir, { recursive: true, force: true });
  }
}
