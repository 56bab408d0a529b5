// Generated CDC workloads for tests and benchmarks (not production code): Jira issues (with custom fields, for
// the exploded table and the change history), Jira projects and Confluence pages (some large enough to be
// offloaded), several versions per resource, tombstones, generation bumps, duplicated deliveries and a shuffled
// (out-of-order) delivery order, all from a seed. Plus the last-writer-wins oracle of what the tables must hold.

import { type OutgoingMessage, recordsTopic, type Transport } from "@facsimile/bus";
import type { ObjectStore } from "@facsimile/object-store";
import {
  encodeRecord,
  type FacsimileRecord,
  lwwWinner,
  offloadKey,
  offloadUri,
  recordLwwKey,
  sha256Hex,
  workspaceAriString,
} from "@facsimile/protocol";
import {
  type ConfluencePageInput,
  encodeEntity,
  type JiraIssueInput,
  type JiraProjectInput,
  type SchemaRegistry,
} from "@facsimile/schemas";

export interface WorkloadOptions {
  readonly seed: number;
  readonly workspaces: number;
  readonly issuesPerWorkspace: number;
  readonly projectsPerWorkspace: number;
  readonly pagesPerWorkspace: number;
  /** Versions published per resource. */
  readonly versionsPerResource: number;
  /** Share of resources whose history contains a tombstone. */
  readonly tombstoneShare: number;
  /** Share of resources with a record in a newer generation (deleted and re-created). */
  readonly generationShare: number;
  /** Share of records delivered twice. */
  readonly duplicateShare: number;
  /** Share of pages whose body is `largeBytes` long. */
  readonly largeShare: number;
  readonly largeBytes: number;
  /** Payloads above this go to the object store behind an offload pointer. */
  readonly offloadThresholdBytes: number;
  /** Deliver in a random order (else resource by resource, versions ascending). */
  readonly shuffle: boolean;
  /** Key prefix of offloaded payloads in the store. */
  readonly offloadPrefix: string;
}

export const DEFAULT_WORKLOAD_OPTIONS: Readonly<WorkloadOptions> = Object.freeze({
  seed: 1,
  workspaces: 6,
  issuesPerWorkspace: 20,
  projectsPerWorkspace: 2,
  pagesPerWorkspace: 3,
  versionsPerResource: 3,
  tombstoneShare: 0.15,
  generationShare: 0.1,
  duplicateShare: 0.15,
  largeShare: 0.2,
  largeBytes: 320 * 1024,
  offloadThresholdBytes: 64 * 1024,
  shuffle: true,
  offloadPrefix: "offload",
});

export interface WorkloadRecord {
  readonly workspaceId: string;
  readonly entity: "JiraIssue" | "JiraProject" | "ConfluencePage";
  readonly record: FacsimileRecord;
  readonly bytes: Uint8Array;
}

export interface Workload {
  /** Every record once, in generation order (the oracle's input). */
  readonly records: readonly WorkloadRecord[];
  /** What is delivered, in delivery order: shuffled, with duplicates. */
  readonly deliveries: readonly WorkloadRecord[];
  /** Offloaded payloads to put in the store before the deliveries. */
  readonly offloads: readonly { readonly key: string; readonly bytes: Uint8Array }[];
}

/** mulberry32: small, fast, seeded. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STATUSES = ["TO_DO", "IN_PROGRESS", "IN_REVIEW", "DONE"] as const;
const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

function issue(ws: string, n: number, v: number, rnd: () => number): JiraIssueInput {
  const fields = Array.from({ length: Math.floor(rnd() * 4) }, (_, i) => ({
    fieldId: `customfield_${10000 + i}`,
    name: `Field ${i}`,
    value: rnd() < 0.2 ? null : `value ${n}.${v}.${i}`,
    updatedAt: new Date(T0 + v * 60_000 + i),
  }));
  return {
    issueId: `${n}`,
    key: `${ws.toUpperCase()}-${n}`,
    project: `ari:cloud:jira:${ws}:project/0`,
    summary: `Issue ${n} version ${v}`,
    description: rnd() < 0.3 ? null : `Description of ${n} at ${v}`,
    status: STATUSES[Math.floor(rnd() * STATUSES.length)] ?? "TO_DO",
    classification: "INTERNAL",
    assignee: rnd() < 0.5 ? "ada" : null,
    reporter: "grace",
    labels: rnd() < 0.5 ? ["backend", `v${v}`] : [],
    fields,
    voteCount: Math.floor(rnd() * 50),
    watchCount: BigInt(v * 3),
    ...(rnd() < 0.5 ? { storyPoints: Math.floor(rnd() * 13) } : {}),
    createdAt: new Date(T0),
    updatedAt: new Date(T0 + v * 60_000),
  };
}

function project(ws: string, n: number, v: number): JiraProjectInput {
  return {
    projectId: `${n}`,
    key: `P${n}`,
    name: `Project ${n} of ${ws} (v${v})`,
    description: v % 2 === 0 ? null : `described at ${v}`,
    lead: "ada",
    projectType: "SOFTWARE",
    issueCount: v * 10,
    archived: false,
    createdAt: new Date(T0),
    updatedAt: new Date(T0 + v * 1000),
  };
}

function page(ws: string, n: number, v: number, bodyBytes: number): ConfluencePageInput {
  return {
    pageId: `${n}`,
    spaceKey: ws.toUpperCase(),
    title: `Page ${n} v${v}`,
    body: `${ws}/${n}/${v}:`.padEnd(bodyBytes, "lorem ipsum dolor sit amet "),
    status: "CURRENT",
    classification: "CONFIDENTIAL",
    parentPageId: null,
    ancestorIds: ["root"],
    labels: [],
    version: { number: BigInt(v), authorId: null, message: `edit ${v}`, createdAt: new Date(T0 + v) },
    linkedIssues: [`ari:cloud:jira:${ws}:issue/${n}`],
    wordCount: Math.floor(bodyBytes / 6),
    hasInlineComments: v % 2 === 0,
    createdAt: new Date(T0),
    updatedAt: new Date(T0 + v * 1000),
  };
}

/** Generates a workload; offload pointers point into `store` (the store the worker decodes with). */
export function generateWorkload(
  registry: SchemaRegistry,
  store: Pick<ObjectStore, "url">,
  options: Partial<WorkloadOptions> = {},
): Workload {
  const o = { ...DEFAULT_WORKLOAD_OPTIONS, ...options };
  const rnd = seededRandom(o.seed);
  const records: WorkloadRecord[] = [];
  const offloads = new Map<string, Uint8Array>();
  const add = (
    ws: string,
    entity: WorkloadRecord["entity"],
    ari: string,
    version: number,
    generation: number,
    value: object | undefined,
  ): void => {
    const info = registry.entity(entity);
    let payload: FacsimileRecord["payload"] = { case: undefined };
    if (value !== undefined) {
      const bytes = encodeEntity(registry, entity, value);
      if (bytes.length > o.offloadThresholdBytes) {
        const sha256 = sha256Hex(bytes);
        const key = offloadKey(o.offloadPrefix, ws, sha256);
        offloads.set(key, bytes);
        payload = {
          case: "offloadPointer",
          value: {
            uri: offloadUri(store as ObjectStore, key),
            sha256,
            sizeBytes: bytes.length,
            typeUrl: info.typeUrl,
          },
        };
      } else payload = { case: "entity", value: { typeUrl: info.typeUrl, value: bytes } };
    }
    const record: FacsimileRecord = {
      resourceAri: ari,
      entityType: info.entityType,
      workspaceId: workspaceAriString(ws),
      version: BigInt(version),
      generationWatermark: BigInt(generation),
      isTombstone: value === undefined,
      payload,
    };
    records.push({ workspaceId: ws, entity, record, bytes: encodeRecord(record) });
  };
  const history = (
    ws: string,
    entity: WorkloadRecord["entity"],
    ari: string,
    make: (v: number) => object,
  ): void => {
    const tombstoneAt = rnd() < o.tombstoneShare ? 1 + Math.floor(rnd() * o.versionsPerResource) : -1;
    const reborn = rnd() < o.generationShare;
    for (let v = 1; v <= o.versionsPerResource; v++)
      add(ws, entity, ari, v * 10, 0, v === tombstoneAt ? undefined : make(v));
    // A deleted-and-re-created resource: a new generation with a LOWER version still wins.
    if (reborn) add(ws, entity, ari, 5, 1, make(99));
  };
  for (let w = 0; w < o.workspaces; w++) {
    const ws = `ws-${w}`;
    for (let n = 0; n < o.issuesPerWorkspace; n++)
      history(ws, "JiraIssue", `ari:cloud:jira:${ws}:issue/${n}`, (v) => issue(ws, n, v, rnd));
    for (let n = 0; n < o.projectsPerWorkspace; n++)
      history(ws, "JiraProject", `ari:cloud:jira:${ws}:project/${n}`, (v) => project(ws, n, v));
    for (let n = 0; n < o.pagesPerWorkspace; n++) {
      const large = rnd() < o.largeShare;
      history(ws, "ConfluencePage", `ari:cloud:confluence:${ws}:page/${n}`, (v) =>
        page(ws, n, v, large ? o.largeBytes : 200),
      );
    }
  }
  const deliveries: WorkloadRecord[] = [];
  for (const r of records) {
    deliveries.push(r);
    if (rnd() < o.duplicateShare) deliveries.push(r);
  }
  if (o.shuffle)
    for (let i = deliveries.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [deliveries[i], deliveries[j]] = [deliveries[j] as WorkloadRecord, deliveries[i] as WorkloadRecord];
    }
  return { records, deliveries, offloads: [...offloads].map(([key, bytes]) => ({ key, bytes })) };
}

/** The Kafka message of a delivery: keyed by workspace id. */
export function deliveryMessage(r: WorkloadRecord): OutgoingMessage {
  return { key: r.workspaceId, value: r.bytes };
}

/** Puts the offloaded payloads, then produces the deliveries to the region's records topic in chunks. */
export async function publishWorkload(
  transport: Transport,
  store: ObjectStore,
  region: string,
  workload: Pick<Workload, "deliveries" | "offloads">,
  chunk = 2_000,
): Promise<void> {
  for (const o of workload.offloads)
    await store.putIfAbsent(o.key, o.bytes).catch((err: unknown) => {
      if ((err as { code?: unknown }).code !== "OBJECT_EXISTS") throw err;
    });
  for (let i = 0; i < workload.deliveries.length; i += chunk)
    await transport.produce(
      recordsTopic(region),
      workload.deliveries.slice(i, i + chunk).map(deliveryMessage),
    );
}

/** The LWW winner of every resource among `records` (keep: which records count, e.g. not dropped ones). */
export function lwwOracle(
  records: readonly WorkloadRecord[],
  keep: (r: WorkloadRecord) => boolean = () => true,
): Map<string, WorkloadRecord> {
  const byAri = new Map<string, WorkloadRecord[]>();
  for (const r of records) {
    if (!keep(r)) continue;
    const list = byAri.get(r.record.resourceAri);
    if (list === undefined) byAri.set(r.record.resourceAri, [r]);
    else list.push(r);
  }
  const winners = new Map<string, WorkloadRecord>();
  for (const [ari, list] of byAri) {
    const w = lwwWinner(list, (r) => recordLwwKey(r.record));
    if (w !== undefined) winners.set(ari, w);
  }
  return winners;
}
