// The demo's result as the short text a newcomer reads: where it ran, what was published (duplicates, offloads),
// what each region's worker did, throughput and freshness, the tables and whether they equal the oracle, the
// seed's analyst query for one workspace, and the commands to explore further. Pure.
import { formatResult } from "@facsimile/query";
import type { DemoResult } from "./run-demo.js";
import { alignColumns, formatBytes, formatCount, formatSeconds, plural } from "./text-format.js";

/** Differences listed at most; the rest are counted. */
const SHOWN_DIFFERENCES = 10;
const TABLE_ORDER = [
  "jira_project",
  "jira_issue",
  "jira_issue_field",
  "jira_issue_change",
  "confluence_page",
];

export function formatDemoSummary(r: DemoResult, offloadThresholdBytes: number): string {
  const s = r.settings;
  const w = r.workload.stats;
  const out: string[] = [];
  out.push(
    `facsimile demo: workload seed ${s.workloadSeed}, delivery seed ${s.deliverySeed}, size ${s.size}; ` +
      `regions ${s.regions.join(", ")}`,
    `  bus   ${s.bus}`,
    `  lake  ${s.lake}`,
  );
  if (s.wiped !== undefined) out.push(`  data  ${s.wiped}`);
  if (s.reused) out.push("  data  the same workload ran here before: this run delivers it again on top");
  out.push("");
  out.push(
    r.schemas.dir === undefined
      ? "schemas    no schemas folder found: ran on the compiled registry of @facsimile/schemas"
      : `schemas    ${r.schemas.entities} entities compiled from ${r.schemas.dir}/entities in ` +
          `${formatSeconds(r.schemas.ms / 1000)}; ` +
          (r.schemas.stale === 0
            ? "generated files up to date"
            : `${r.schemas.stale} generated file(s) stale: run \`facsimile schemas compile\``),
  );
  out.push(
    `workload   ${r.workload.workspaces} workspaces; ${formatCount(w.changes)} changes to ` +
      `${formatCount(w.resources.JiraProject)} projects, ${formatCount(w.resources.JiraIssue)} issues ` +
      `(${formatCount(w.resolved)} resolved, ${formatCount(w.deleted)} resources deleted, ${w.restored} restored), ` +
      `${formatCount(w.resources.ConfluencePage)} pages (${plural(w.largePages, "exported API reference")} over ` +
      `${formatBytes(offloadThresholdBytes)})`,
  );
  const d = r.delivery;
  out.push(
    `delivery   ${formatCount(d.records)} records published through the producer SDK in ` +
      `${formatSeconds(d.ms / 1000)}: shuffled, ${formatCount(d.duplicates)} duplicates; ` +
      `${plural(d.offloaded, "payload")} offloaded to the lake (${plural(d.offloadedObjects, "object")})`,
  );
  out.push("");
  const regionRows = [
    [
      "region",
      "workspaces",
      "consumed",
      "ingested",
      "merged",
      "dead-lettered",
      "dropped",
      "fresh p50",
      "p99",
    ],
    ...r.regions.map((g) => [
      g.region,
      String(g.workspaces),
      formatCount(g.consumed),
      formatCount(g.ingested),
      formatCount(g.merged),
      formatCount(g.deadLettered),
      formatCount(g.dropped),
      formatSeconds(g.freshnessP50),
      formatSeconds(g.freshnessP99),
    ]),
  ];
  const [head, ...rest] = alignColumns(regionRows, "");
  out.push(`ingest     ${head ?? ""}`, ...rest.map((line) => `           ${line}`));
  const e = r.endToEnd;
  out.push(
    `           end to end: ${formatCount(e.records)} records in ${formatSeconds(e.seconds)} = ` +
      `${formatCount(e.perSecond)} records/s; freshness p50 ${formatSeconds(r.freshness.p50)}, ` +
      `p99 ${formatSeconds(r.freshness.p99)} (record appended -> merged into its tables)`,
  );
  out.push("");
  const names = [...new Set(r.verification.tables.map((t) => t.table))].sort(
    (a, b) => order(a) - order(b) || (a < b ? -1 : 1),
  );
  const rows = (region: string, table: string) =>
    r.verification.tables.find((t) => t.region === region && t.table === table)?.rows ?? 0;
  const tableRows = [
    ["region", ...names],
    ...s.regions.map((region) => [region, ...names.map((n) => formatCount(rows(region, n)))]),
  ];
  const [tableHead, ...tableRest] = alignColumns(tableRows, "");
  out.push(
    `tables     ${tableHead ?? ""}`,
    ...tableRest.map((line) => `           ${line}`),
    "           (rows as stored: a deleted resource stays as a tombstone row, hidden from analysts)",
  );
  const v = r.verification;
  if (v.differences.length === 0)
    out.push(
      `verified   every table equals the last-writer-wins oracle of the workload: ` +
        `${formatCount(v.resources)} resources, 0 differences (${formatSeconds(v.ms / 1000)})`,
    );
  else {
    out.push(`NOT VERIFIED: ${v.differences.length} difference(s) from the last-writer-wins oracle:`);
    for (const line of v.differences.slice(0, SHOWN_DIFFERENCES)) out.push(`  ${line}`);
    if (v.differences.length > SHOWN_DIFFERENCES)
      out.push(`  ... and ${v.differences.length - SHOWN_DIFFERENCES} more (--json lists them all)`);
  }
  out.push("");
  const q = r.query;
  out.push(
    `${q.query.description}, workspace ${q.workspace} in ${q.region} (\`--example ${q.query.name}\`):`,
  );
  out.push(formatResult(q.result, "table").trimEnd());
  out.push("", "explore further:", ...r.explore.map((c) => `  ${c}`));
  return `${out.join("\n")}\n`;
}

function order(table: string): number {
  const i = TABLE_ORDER.indexOf(table);
  return i < 0 ? TABLE_ORDER.length : i;
}
