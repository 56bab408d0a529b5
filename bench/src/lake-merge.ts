// Benchmark of the lake writers, on local disk, in one run:
//   - Append rows/s of our writer (Parquet files + a commit) against DuckDB's own COPY of the same rows (what
//     writing the bytes costs), unpartitioned and partitioned by workspace;
//   - Merge of a batch (default 100k rows) into a big table (default 10M rows, 1,000 workspace partitions): the
//     time against DuckDB's own MERGE INTO on an in-memory table holding the same rows (the baseline), and the
//     bytes our copy-on-write rewrote against a full rewrite of the table.
// The merge uses deletion vectors unless --copy-on-write is given (then every file losing a row is rewritten).
// Sizes come from argv (--rows, --workspaces, --batch, --max-rows-per-file, --hot, --threads, --dir) or the
// environment (LAKE_BENCH_ROWS, ...). A program, not a test: it prints figures and asserts nothing.
// Run: `npx tsc -b bench && node bench/dist/lake-merge.js [--rows 1000000]`, or `node bench/dist/index.js lake-merge`
// (sizes then from LAKE_BENCH_ROWS, LAKE_BENCH_WORKSPACES, LAKE_BENCH_BATCH, LAKE_BENCH_MAX_ROWS_PER_FILE, ...).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { appendBatch, loadSnapshot, mergeBatch, openDuckDb, openTable } from "@facsimile/lake";
import { LocalObjectStore } from "@facsimile/object-store";
import { type BenchReport, type Figure, figureLine, ratioFigure } from "./report.js";

export interface LakeBenchOptions {
  /** Rows of the table (and of the Append measurement). */
  readonly rows: number;
  readonly workspaces: number;
  /** Rows of the merge batch (with some duplicate keys, de-duplicated by the writer). */
  readonly batch: number;
  /** File size of the table, in rows: a workspace's rows are split into key-ranged files of this size. */
  readonly maxRowsPerFile: number;
  /** Share of a workspace's keys (the newest) that the batch's updates hit; the rest of the batch inserts. */
  readonly hot: number;
  readonly threads: number;
  /** Working directory (a temp directory by default); deleted at the end. */
  readonly dir: string | undefined;
  /** Merge with deletion vectors (false: copy-on-write, every file losing a row is rewritten). */
  readonly deletionVectors: boolean;
}

export const LAKE_BENCH_DEFAULTS: Readonly<LakeBenchOptions> = Object.freeze({
  rows: 10_000_000,
  workspaces: 1_000,
  batch: 100_000,
  maxRowsPerFile: 2_000,
  hot: 0.1,
  threads: 2,
  dir: undefined,
  deletionVectors: true,
});

export interface LakeBenchResult {
  readonly options: LakeBenchOptions;
  /** Into an unpartitioned table with the default file size: the writer's own overhead over COPY. */
  readonly plainAppendRowsPerSecond: number;
  /** Into the merge benchmark's table: partitioned by workspace, cut into small key-ranged files. */
  readonly appendRowsPerSecond: number;
  readonly appendFiles: number;
  readonly copyRowsPerSecond: number;
  readonly partitionedCopyRowsPerSecond: number;
  readonly mergeSeconds: number;
  readonly duckdbMergeSeconds: number;
  readonly tableBytes: number;
  readonly tableFiles: number;
  readonly bytesRewritten: number;
  readonly bytesWritten: number;
  readonly filesRewritten: number;
  /** Files kept in place with a new deletion vector. */
  readonly filesMarked: number;
  readonly mergeRowsWritten: number;
}

/** Row i of the table: workspace i % W, key i, version 1. Keys grow with i, so the newest are the largest. */
function tableSql(rows: number, workspaces: number): string {
  return (
    `SELECT 'ws-' || lpad((i % ${workspaces})::VARCHAR, 4, '0') AS ws, i AS id, 'title ' || i AS title, ` +
    `'lorem ipsum dolor sit amet, consectetur ' || (i * 2654435761 % 1000003) AS body, (i % 97)::INTEGER AS votes, ` +
    `to_timestamp(1704067200 + i) AS updated_at, 0::BIGINT AS _generation, ` +
    `1::BIGINT AS _version, false AS _is_tombstone, lpad(to_hex(hash(i)), 16, '0') AS _payload_hash FROM range(${rows}) r(i)`
  );
}

/**
 * The merge batch: half updates of existing keys among the newest `hot` share of the table (version 2), half
 * inserts of new keys, spread over every workspace, plus 2% duplicate deliveries of updates at version 2.
 */
function batchSql(o: LakeBenchOptions): string {
  const updates = Math.floor(o.batch / 2);
  const hotKeys = Math.max(1, Math.floor(o.rows * o.hot));
  const dupes = Math.floor(o.batch * 0.02);
  const inserts = o.batch - updates - dupes;
  const row = (id: string, version: number) =>
    `SELECT 'ws-' || lpad((${id} % ${o.workspaces})::VARCHAR, 4, '0') AS ws, ${id} AS id, 'title v${version} ' || ${id} AS title, ` +
    `md5(${id}::VARCHAR) AS body, 1::INTEGER AS votes, TIMESTAMPTZ '2025-01-01 00:00:00+00' AS updated_at, ` +
    `0::BIGINT AS _generation, ${version}::BIGINT AS _version, false AS _is_tombstone, md5('u' || ${id}) AS _payload_hash`;
  const updateId = `(${o.rows - hotKeys} + (hash(j) % ${hotKeys}))::BIGINT`;
  return (
    `${row(updateId, 2)} FROM range(${updates}) r(j) UNION ALL ` +
    `${row(updateId, 2)} FROM range(${dupes}) r(j) UNION ALL ` +
    `${row(`(${o.rows} + j)::BIGINT`, 1)} FROM range(${inserts}) r(j)`
  );
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, (performance.now() - start) / 1000];
}

export async function benchLake(options: Partial<LakeBenchOptions> = {}): Promise<LakeBenchResult> {
  const o = { ...LAKE_BENCH_DEFAULTS, ...options };
  const dir = o.dir ?? (await mkdtemp(join(tmpdir(), "facsimile-lake-bench-")));
  const db = await openDuckDb({
    config: { threads: String(o.threads), temp_directory: join(dir, "duckdb-tmp") },
  });
  const conn = db.connection;
  try {
    const log = (s: string) => console.log(`  ${s}`);
    // Warm-up (allocator, page cache, thread pool) so the first measurement is not also the coldest.
    await conn.run(
      `COPY (${tableSql(Math.min(o.rows, 1_000_000), o.workspaces)}) TO '${join(dir, "warm.parquet")}' (FORMAT parquet, COMPRESSION zstd)`,
    );
    // Baselines for Append: DuckDB alone writing the same rows as zstd Parquet, in parallel (one file per
    // thread), and hive-partitioned by workspace (rows clustered by workspace and key first, as our writer does),
    // with no log and no commit. Each runs twice (before and after ours) and the faster run counts: the machines
    // are shared, and the order of the runs should not decide the ratio.
    const copy = () =>
      timed(() =>
        conn.run(
          `COPY (${tableSql(o.rows, o.workspaces)}) TO '${join(dir, `copy-${Math.random()}`)}' (FORMAT parquet, COMPRESSION zstd, PER_THREAD_OUTPUT)`,
        ),
      );
    const partitionedCopy = () =>
      timed(() =>
        conn.run(
          `COPY (SELECT * FROM (${tableSql(o.rows, o.workspaces)}) ORDER BY ws, id) TO '${join(dir, `copy-by-ws-${Math.random()}`)}' ` +
            "(FORMAT parquet, COMPRESSION zstd, PARTITION_BY (ws))",
        ),
      );
    let [, copySeconds] = await copy();
    let [, partitionedCopySeconds] = await partitionedCopy();
    const store = new LocalObjectStore(join(dir, "lake"));
    const tableOptions = { scratchDir: join(dir, "scratch"), cacheDir: join(dir, "cache") };
    const flat = openTable(store, "flat", conn, tableOptions);
    const [, plainAppendSeconds] = await timed(() =>
      appendBatch(
        flat,
        { kind: "append" },
        { sql: tableSql(o.rows, o.workspaces) },
        { appId: "bench-flat", version: 0 },
      ),
    );
    log(`Append of ${o.rows} rows, unpartitioned, default file size: ${plainAppendSeconds.toFixed(1)} s`);
    const table = openTable(store, "issues", conn, tableOptions);
    const [appended, appendSeconds] = await timed(() =>
      appendBatch(
        table,
        { kind: "append", partitionColumns: ["ws"], clusterBy: ["id"], maxRowsPerFile: o.maxRowsPerFile },
        { sql: tableSql(o.rows, o.workspaces) },
        { appId: "bench-load", version: 0 },
      ),
    );
    log(
      `Append of ${o.rows} rows, by workspace, ${appended.filesAdded} files: ${appendSeconds.toFixed(1)} s`,
    );
    copySeconds = Math.min(copySeconds, (await copy())[1]);
    partitionedCopySeconds = Math.min(partitionedCopySeconds, (await partitionedCopy())[1]);
    log(
      `DuckDB COPY of ${o.rows} rows: ${copySeconds.toFixed(1)} s; partitioned by workspace: ${partitionedCopySeconds.toFixed(1)} s`,
    );
    const before = await loadSnapshot(table);
    let tableBytes = 0;
    for (const a of before.files.values()) tableBytes += a.size;
    await conn.run(`CREATE TEMP TABLE bench_batch AS ${batchSql(o)}`);
    const [merged, mergeSeconds] = await timed(() =>
      mergeBatch(
        table,
        {
          kind: "merge",
          primaryKey: ["id"],
          partitionColumns: ["ws"],
          maxRowsPerFile: o.maxRowsPerFile,
          deletionVectors: o.deletionVectors,
        },
        { table: "bench_batch" },
        { appId: "bench-merge", version: 0 },
      ),
    );
    log(`our Merge of ${o.batch} rows: ${mergeSeconds.toFixed(1)} s`);
    // Removed files whose path stays live only got a deletion vector; the others were rewritten.
    const after = await loadSnapshot(table);
    let filesRewritten = 0;
    let filesMarked = 0;
    let bytesRewritten = 0;
    for (const [path, a] of before.files)
      if (!after.files.has(path)) {
        filesRewritten++;
        bytesRewritten += a.size;
      } else if (after.files.get(path)?.deletionVector?.pathOrInlineDv !== a.deletionVector?.pathOrInlineDv)
        filesMarked++;
    // Baseline for Merge: DuckDB's MERGE INTO on an in-memory table with the same rows (deduplicated batch, the
    // same LWW condition), timed without loading the table.
    await conn.run(`CREATE TABLE target AS ${tableSql(o.rows, o.workspaces)}`);
    await conn.run(
      "CREATE TEMP TABLE dedup AS SELECT * FROM bench_batch QUALIFY row_number() OVER (PARTITION BY ws, id " +
        "ORDER BY _generation DESC, _version DESC, _is_tombstone DESC, _payload_hash DESC) = 1",
    );
    const [, duckdbMergeSeconds] = await timed(() =>
      conn.run(
        "MERGE INTO target USING dedup ON target.ws = dedup.ws AND target.id = dedup.id " +
          "WHEN MATCHED AND (dedup._generation, dedup._version, dedup._is_tombstone, dedup._payload_hash) > " +
          "(target._generation, target._version, target._is_tombstone, target._payload_hash) THEN UPDATE " +
          "WHEN NOT MATCHED THEN INSERT",
      ),
    );
    log(`DuckDB MERGE INTO (in memory): ${duckdbMergeSeconds.toFixed(1)} s`);
    const [ours] = (await conn.runAndReadAll(`SELECT count(*) FROM target`)).getRows();
    log(`rows after merge: DuckDB table ${String(ours?.[0])}`);
    return {
      options: o,
      plainAppendRowsPerSecond: o.rows / plainAppendSeconds,
      appendRowsPerSecond: o.rows / appendSeconds,
      appendFiles: appended.filesAdded,
      copyRowsPerSecond: o.rows / copySeconds,
      partitionedCopyRowsPerSecond: o.rows / partitionedCopySeconds,
      mergeSeconds,
      duckdbMergeSeconds,
      tableBytes,
      tableFiles: before.files.size,
      bytesRewritten,
      bytesWritten: merged.bytesAdded,
      filesRewritten,
      filesMarked,
      mergeRowsWritten: merged.rowsWritten,
    };
  } finally {
    db.close();
    if (o.dir === undefined) await rm(dir, { recursive: true, force: true });
  }
}

function optionsFromArgs(argv: readonly string[]): Partial<LakeBenchOptions> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      rows: { type: "string" },
      workspaces: { type: "string" },
      batch: { type: "string" },
      "max-rows-per-file": { type: "string" },
      hot: { type: "string" },
      threads: { type: "string" },
      dir: { type: "string" },
      "copy-on-write": { type: "boolean" },
      json: { type: "boolean" },
    },
  });
  const env = process.env;
  const num = (v: string | undefined): number | undefined => (v === undefined ? undefined : Number(v));
  const pick = {
    rows: num(values.rows ?? env.LAKE_BENCH_ROWS),
    workspaces: num(values.workspaces ?? env.LAKE_BENCH_WORKSPACES),
    batch: num(values.batch ?? env.LAKE_BENCH_BATCH),
    maxRowsPerFile: num(values["max-rows-per-file"] ?? env.LAKE_BENCH_MAX_ROWS_PER_FILE),
    hot: num(values.hot ?? env.LAKE_BENCH_HOT),
    threads: num(values.threads ?? env.LAKE_BENCH_THREADS),
    dir: values.dir ?? env.LAKE_BENCH_DIR,
    deletionVectors: values["copy-on-write"] === true ? false : undefined,
  };
  return Object.fromEntries(Object.entries(pick).filter(([, v]) => v !== undefined));
}

/** Runs the benchmark with the sizes of argv / the environment and reports its figures. */
export default async function main(argv: readonly string[] = []): Promise<BenchReport> {
  const options = { ...LAKE_BENCH_DEFAULTS, ...optionsFromArgs(argv) };
  console.log(
    `lake bench: ${options.rows} rows, ${options.workspaces} workspaces, batch ${options.batch}, ` +
      `files of ${options.maxRowsPerFile} rows, updates on the newest ${options.hot * 100}% of keys, ${options.threads} threads, ` +
      (options.deletionVectors ? "deletion vectors" : "copy-on-write"),
  );
  const r = await benchLake(options);
  const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MiB`;
  const copy = { name: "DuckDB COPY", value: r.copyRowsPerSecond };
  const partitionedCopy = { name: "DuckDB COPY partitioned", value: r.partitionedCopyRowsPerSecond };
  const duckMerge = { name: "DuckDB MERGE INTO in memory", value: r.duckdbMergeSeconds };
  const batch = { name: "rows merged", value: options.batch };
  const mergeRatio = r.mergeSeconds / r.duckdbMergeSeconds;
  const rowsRatio = r.mergeRowsWritten / options.batch;
  const appendRatio = r.appendRowsPerSecond / r.partitionedCopyRowsPerSecond;
  const figures: Figure[] = [
    { name: copy.name, value: copy.value, unit: "rows/s" },
    ratioFigure("Append, unpartitioned", r.plainAppendRowsPerSecond, "rows/s", copy, { better: "higher" }),
    { name: partitionedCopy.name, value: partitionedCopy.value, unit: "rows/s" },
    ratioFigure("Append by workspace", r.appendRowsPerSecond, "rows/s", partitionedCopy, {
      better: "higher",
      target: ">= 0.8x",
      met: appendRatio >= 0.8,
    }),
    { name: duckMerge.name, value: duckMerge.value, unit: "s" },
    ratioFigure(`Merge of ${options.batch} rows into ${options.rows}`, r.mergeSeconds, "s", duckMerge, {
      better: "lower",
      target: "<= 3x",
      met: mergeRatio <= 3,
    }),
    { name: batch.name, value: batch.value, unit: "rows" },
    ratioFigure("rows written by the merge", r.mergeRowsWritten, "rows", batch, {
      better: "lower",
      target: "<= 2x",
      met: rowsRatio <= 2,
    }),
  ];
  const text = [
    ...figures.map((f) => figureLine(f, 40)),
    `  the merge rewrote ${r.filesRewritten} of ${r.tableFiles} files, ${mb(r.bytesRewritten)} of ${mb(r.tableBytes)} ` +
      `(${(r.bytesRewritten / r.tableBytes).toFixed(3)} of a full rewrite), marked ${r.filesMarked} with deletion vectors, ` +
      `wrote ${mb(r.bytesWritten)} of data files`,
  ].join("\n");
  return {
    bench: "lake-merge",
    options: { ...options, dir: undefined },
    figures: [
      ...figures,
      {
        name: "bytes rewritten / table bytes",
        value: r.bytesRewritten / r.tableBytes,
        unit: "x",
        better: "lower",
      },
    ],
    text,
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href)
  console.log((await main(process.argv.slice(2))).text);
