// Benchmark of the FacsimileRecord codec: records/s of the hand-written encoder and decoder (the ingest path
// decodes every record), printed as ratios against JSON.stringify/JSON.parse of the same record and against the
// reflective descriptor-based codec, all measured in this run. Run: `node bench/dist/bus-codec.js` (after build).
import { pathToFileURL } from "node:url";
import {
  decodeRecord,
  decodeRecordWithDescriptors,
  encodeRecord,
  encodeRecordWithDescriptors,
  type FacsimileRecord,
  recordLwwKey,
} from "@facsimile/protocol";
import { encodeEntity, loadDefaultRegistry } from "@facsimile/schemas";

export interface CodecBenchResult {
  readonly name: string;
  readonly recordsPerSecond: number;
  /** recordsPerSecond divided by the JSON baseline of the same direction. */
  readonly vsJson: number;
}

function measure(fn: (i: number) => unknown, minMs = 700): number {
  for (let i = 0; i < 2_000; i++) fn(i); // warm up
  let n = 0;
  let sink = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < minMs) {
    for (let i = 0; i < 1_000; i++) sink += fn(n + i) === undefined ? 0 : 1;
    n += 1_000;
    elapsed = performance.now() - start;
  }
  if (sink < 0) console.log(sink);
  return (n / elapsed) * 1000;
}

function sampleRecords(count: number): FacsimileRecord[] {
  const registry = loadDefaultRegistry();
  const info = registry.entity("JiraIssue");
  return Array.from({ length: count }, (_, i) => ({
    resourceAri: `ari:cloud:jira:ws-${i % 50}:issue/${100_000 + i}`,
    entityType: info.entityType,
    workspaceId: `ari:cloud:platform::workspace/ws-${i % 50}`,
    version: 112_000_000_000_000_000n + BigInt(i),
    generationWatermark: BigInt(i % 3),
    isTombstone: false,
    payload: {
      case: "entity",
      value: {
        typeUrl: info.typeUrl,
        value: encodeEntity(registry, "JiraIssue", {
          issueId: String(i),
          key: `FAC-${i}`,
          project: `ari:cloud:jira:ws-${i % 50}:project/p1`,
          summary: `A summary of issue ${i} that is about as long as real ones are`,
          description: "Steps to reproduce: publish, consume, compare. Expected: equal. Actual: equal.",
          status: "IN_PROGRESS",
          classification: "INTERNAL",
          assignee: "ada",
          reporter: "grace",
          labels: ["bus", "codec"],
          fields: [
            {
              fieldId: "customfield_1",
              name: "Team",
              value: "platform",
              updatedAt: new Date(1_700_000_000_000),
            },
          ],
          voteCount: i % 7,
          watchCount: i % 11,
          createdAt: new Date(1_700_000_000_000),
          updatedAt: new Date(1_700_000_100_000),
        }),
      },
    },
  }));
}

/** The same record as JSON: bigints as strings, payload bytes as base64 (what a JSON envelope would carry). */
function toJson(r: FacsimileRecord): string {
  const p = r.payload;
  return JSON.stringify({
    ...r,
    version: r.version.toString(),
    generationWatermark: r.generationWatermark.toString(),
    payload:
      p.case === "entity"
        ? { typeUrl: p.value.typeUrl, value: Buffer.from(p.value.value).toString("base64") }
        : p,
  });
}

export function benchBusCodec(): CodecBenchResult[] {
  const registry = loadDefaultRegistry();
  const records = sampleRecords(1024);
  const encoded = records.map(encodeRecord);
  const json = records.map(toJson);
  const at = <T>(list: readonly T[], i: number) => list[i & 1023] as T;

  const jsonEncode = measure((i) => toJson(at(records, i)));
  const jsonDecode = measure((i) => JSON.parse(at(json, i)));
  const rows: Array<[string, number, number]> = [
    ["encode: JSON.stringify (baseline)", jsonEncode, jsonEncode],
    ["encode: encodeRecord", measure((i) => encodeRecord(at(records, i))), jsonEncode],
    [
      "encode: descriptors (toBinary)",
      measure((i) => encodeRecordWithDescriptors(registry, at(records, i))),
      jsonEncode,
    ],
    ["decode: JSON.parse (baseline)", jsonDecode, jsonDecode],
    ["decode: decodeRecord", measure((i) => decodeRecord(at(encoded, i))), jsonDecode],
    [
      "decode: decodeRecord, no ARI check",
      measure((i) => decodeRecord(at(encoded, i), { validateAris: false })),
      jsonDecode,
    ],
    [
      "decode: decodeRecord + LWW key (sha256)",
      measure((i) => recordLwwKey(decodeRecord(at(encoded, i)))),
      jsonDecode,
    ],
    [
      "decode: descriptors (fromBinary)",
      measure((i) => decodeRecordWithDescriptors(registry, at(encoded, i))),
      jsonDecode,
    ],
  ];
  const bytes = encoded.reduce((s, b) => s + b.length, 0) / encoded.length;
  const jsonBytes = json.reduce((s, b) => s + Buffer.byteLength(b), 0) / json.length;
  console.log(
    `FacsimileRecord codec: ${bytes.toFixed(0)} B protobuf vs ${jsonBytes.toFixed(0)} B JSON per record`,
  );
  const results = rows.map(([name, rps, base]) => ({ name, recordsPerSecond: rps, vsJson: rps / base }));
  for (const r of results) {
    console.log(
      `${r.name.padEnd(44)} ${Math.round(r.recordsPerSecond).toLocaleString("en-US").padStart(12)} records/s  ${r.vsJson.toFixed(2)}x JSON`,
    );
  }
  return results;
}

/** The bench runner's entry (bench/src/index.ts: `"bus-codec": () => import("./bus-codec.js")`). */
export default async function run(): Promise<void> {
  benchBusCodec();
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
