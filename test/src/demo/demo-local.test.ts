// `npm run demo` end to end on the embedded bus and a local lake, in-process: a small run prints a summary whose
// numbers add up, tables equal to the last-writer-wins oracle, the seed's analyst query with rows, and a
// `facsimile query` command that works as printed; the same workload under another delivery seed (another
// order, other duplicates) gives identical tables; delivering it again on top changes no merged table.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openObjectStore } from "@facsimile/object-store";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cleanEnv,
  comparable,
  exploreLines,
  type LakeTables,
  parseCommandLine,
  readLakeTables,
  runFacsimile,
  SCHEMAS_DIR,
} from "./demo-support.js";

const REGIONS = ["us", "eu", "apac"];
const SMALL = ["--size", "0.2", "--schemas-dir", SCHEMAS_DIR];

async function tablesOf(cwd: string): Promise<LakeTables> {
  const store = await openObjectStore(join(cwd, ".facsimile", "lake"));
  try {
    return await readLakeTables(store, REGIONS);
  } finally {
    await store.close();
  }
}

function count(text: string): number {
  return Number(text.replaceAll(",", ""));
}

describe("the demo on the embedded bus and a local lake", () => {
  let root: string;
  let first: string;
  let second: string;
  let firstTables: LakeTables;
  let firstDuplicates: number;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "facsimile-demo-"));
    first = join(root, "first");
    second = join(root, "second");
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("runs a small demo: consistent summary, verified tables, the seed query, a working query command", async () => {
    const run = await runFacsimile(["demo", ...SMALL], first, cleanEnv());
    expect(run.stderr).toMatch(/^demo: published [\d,]+\/[\d,]+, ingested/m);
    expect(run.code, run.stderr).toBe(0);
    const out = run.stdout;
    expect(out).toContain("facsimile demo: workload seed 1, delivery seed 1, size 0.2; regions us, eu, apac");
    expect(out).toMatch(
      /^schemas {4}4 entities compiled from .*schemas\/entities in .*generated files up to date$/m,
    );

    const delivery =
      /^delivery {3}([\d,]+) records published .*shuffled, ([\d,]+) duplicates; ([\d,]+) payloads? offloaded/m.exec(
        out,
      );
    expect(delivery).not.toBeNull();
    const published = count(delivery?.[1] ?? "");
    firstDuplicates = count(delivery?.[2] ?? "");
    expect(firstDuplicates).toBeGreaterThan(0);
    expect(count(delivery?.[3] ?? "")).toBeGreaterThan(0);

    // Every region consumed, appended and merged the same records; nothing dead-lettered or dropped.
    let consumed = 0;
    for (const region of REGIONS) {
      const line = new RegExp(
        `^ {11}${region} +(\\d+) +([\\d,]+) +([\\d,]+) +([\\d,]+) +(\\d+) +(\\d+) `,
        "m",
      ).exec(out);
      expect(line, `the ingest line of ${region}`).not.toBeNull();
      expect(Number(line?.[1])).toBeGreaterThan(0);
      expect(line?.[3]).toBe(line?.[2]);
      expect(line?.[4]).toBe(line?.[2]);
      expect([line?.[5], line?.[6]]).toEqual(["0", "0"]);
      consumed += count(line?.[2] ?? "");
    }
    expect(consumed).toBe(published);
    expect(out).toMatch(
      new RegExp(`end to end: ${delivery?.[1]} records in .* records/s; freshness p50 [\\d.]+ s, p99`),
    );
    expect(out).toMatch(
      /^verified {3}every table equals the last-writer-wins oracle of the workload: [\d,]+ resources, 0 differences/m,
    );

    const query =
      /workspace (\S+) in (\S+) \(`--example issues-resolved-per-month`\):\nmonth +\| project +\| issues_resolved\n[-+]+\n([\s\S]*?)\((\d+) rows?\)/.exec(
        out,
      );
    expect(query).not.toBeNull();
    expect(Number(query?.[4])).toBeGreaterThan(0);
    expect(query?.[3]).toMatch(/^2025-(0[7-9]|1[0-2]) \| /);

    // The printed command, run as printed from the same folder (in-process: the dispatcher, not a shell).
    const [explore] = exploreLines(out);
    expect(explore).toMatch(/^(npx facsimile|node \S+main\.js) query --region \S+ --workspace \S+ "SELECT /);
    const { env, argv } = parseCommandLine(explore ?? "");
    expect(argv).toContain(query?.[1]);
    const answer = await runFacsimile(argv, first, cleanEnv(env));
    expect(answer.code, answer.stderr).toBe(0);
    expect(answer.stdout).toMatch(/^status +\| issues \| resolved$/m);
    expect(answer.stdout).toMatch(/^DONE +\| +\d+ \| +\d+$/m);

    // The rows the summary counts are the rows the lake holds.
    firstTables = await tablesOf(first);
    const issues = /([\d,]+) issues \(/.exec(out)?.[1] ?? "";
    const issueRows = REGIONS.reduce((n, r) => n + (firstTables.rows.get(`${r}/jira_issue`)?.length ?? 0), 0);
    expect(issueRows).toBe(count(issues));
  });

  it("gives identical tables when the same workload is delivered under another delivery seed", async () => {
    const run = await runFacsimile(["demo", ...SMALL, "--delivery-seed", "2", "--json"], second, cleanEnv());
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as {
      settings: { deliverySeed: number };
      delivery: { records: number; duplicates: number };
      verification: { differences: string[]; resources: number };
    };
    expect(result.settings.deliverySeed).toBe(2);
    expect(result.verification.differences).toEqual([]);
    const secondTables = await tablesOf(second);
    expect([...secondTables.rows.keys()].sort()).toEqual([...firstTables.rows.keys()].sort());
    expect(firstTables.rows.size).toBe(REGIONS.length * 5);
    let compared = 0;
    for (const key of firstTables.rows.keys()) {
      const a = comparable(firstTables, key);
      expect(comparable(secondTables, key), key).toEqual(a);
      compared += a.length;
    }
    expect(compared).toBeGreaterThan(result.verification.resources);
    // The deliveries really differed (another shuffle, and other records delivered twice).
    expect(result.delivery.duplicates).not.toBe(firstDuplicates);
  });

  it("delivers the same workload again on top without changing what any table holds", async () => {
    const run = await runFacsimile(["demo", ...SMALL, "--delivery-seed", "3"], first, cleanEnv());
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("the same workload ran here before: this run delivers it again on top");
    expect(run.stdout).toContain("0 differences");
    const again = await tablesOf(first);
    for (const key of firstTables.rows.keys())
      expect(comparable(again, key), key).toEqual(comparable(firstTables, key));
    // The change history keeps every delivery: the second one added rows.
    expect(again.rows.get("eu/jira_issue_change")?.length).toBeGreaterThan(
      firstTables.rows.get("eu/jira_issue_change")?.length ?? 0,
    );
  });
});
