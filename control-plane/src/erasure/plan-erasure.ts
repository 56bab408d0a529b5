// The plan of an erasure, built from the tables' current snapshots and a scan of the candidate files: per table,
// which data files hold rows of the workspace (or of one resource) and whether each goes entirely (every row
// matches) or is rewritten without the matching rows; which offloaded objects go (a workspace: all under its
// offload folders; a resource: the content-addressed objects of its offloaded payloads, found from the sha256 of the
// payloads the sinks hold for it, except a payload another resource shares). A plain value: printed by --dry-run,
// executed by executeErasure. Reads only.
import { createHash } from "node:crypto";
import type { DuckDBConnection } from "@duckdb/node-api";
import {
  type AddAction,
  loadSnapshot,
  openTable,
  quoteIdent,
  quoteLiteral,
  readTable,
  type Snapshot,
} from "@facsimile/lake";
import type { ObjectStore } from "@facsimile/object-store";
import { decodeRecord } from "@facsimile/protocol";
import { type LakeTable, listLakeTables } from "./lake-tables.js";

export interface ErasureSubject {
  readonly workspaceId: string;
  /** Erase only this resource of the workspace. */
  readonly resourceAri?: string | undefined;
}

export interface OffloadLocation {
  readonly store: ObjectStore;
  /** Key prefix of offloaded payloads in the store (the producer's offloadPrefix), e.g. "offload". */
  readonly prefix: string;
  /**
   * "offload" (default): entity payloads named by their sha256; "dead-letters": dead letters' original record bytes
   * (ingest's `regions/<r>/dead-letters`), matched to a resource by decoding each record.
   */
  readonly kind?: "offload" | "dead-letters";
}

export interface FileErasure {
  /** Path relative to the table root (decoded). */
  readonly path: string;
  readonly add: AddAction;
  readonly rows: number;
  readonly matching: number;
  readonly action: "remove" | "rewrite";
}

export interface TableErasure extends LakeTable {
  readonly version: number;
  readonly files: readonly FileErasure[];
  /** The column the subject is matched on, or undefined when the table cannot hold the subject. */
  readonly column: string | undefined;
  /** The greatest generation_watermark among the matching rows (-1: none). */
  readonly maxGeneration: bigint;
}

export interface ErasurePlan {
  readonly subject: ErasureSubject;
  readonly tables: readonly TableErasure[];
  readonly offloads: readonly {
    readonly store: string;
    readonly keys: readonly string[];
    readonly bytes: number;
  }[];
  readonly rows: number;
  readonly files: number;
}

export interface PlanErasureDeps {
  readonly store: ObjectStore;
  readonly lakeRoot: string;
  readonly duckdb: DuckDBConnection;
  readonly offloads: readonly OffloadLocation[];
}

/** The predicate column and generation column of a table, from its schema. */
function columnsOf(
  table: LakeTable,
  snapshot: Snapshot,
  subject: ErasureSubject,
): { match?: string; generation?: string } {
  const names = new Set(snapshot.schema.fields.map((f) => f.name));
  const pick = (...c: string[]): string | undefined => c.find((n) => names.has(n));
  const sink = table.name === "sink";
  return {
    ...(subject.resourceAri === undefined
      ? { match: pick("workspace_id") }
      : { match: sink ? pick("resource_ari") : pick("envelope_fields_resource_ari_value") }),
    ...{ generation: sink ? pick("generation") : pick("envelope_fields_generation_counter") },
  } as { match?: string; generation?: string };
}

export function subjectPredicate(column: string, subject: ErasureSubject): string {
  return `${quoteIdent(column)} = ${quoteLiteral(subject.resourceAri ?? subject.workspaceId)}`;
}

async function planTable(
  deps: PlanErasureDeps,
  t: LakeTable,
  subject: ErasureSubject,
): Promise<TableErasure | undefined> {
  const table = openTable(deps.store, t.path, deps.duckdb);
  const snapshot = await loadSnapshot(table);
  const cols = columnsOf(t, snapshot, subject);
  if (cols.match === undefined)
    return { ...t, version: snapshot.version, files: [], column: undefined, maxGeneration: -1n };
  // Target tables are partitioned by workspace: only the workspace's partition can hold its rows.
  const candidates = [...snapshot.files.entries()].filter(
    ([, add]) =>
      add.partitionValues.workspace_id === undefined ||
      add.partitionValues.workspace_id === subject.workspaceId,
  );
  const files: FileErasure[] = [];
  let maxGeneration = -1n;
  for (const [path, add] of candidates) {
    const scan = await readTable(table, { snapshot: { ...snapshot, files: new Map([[path, add]]) } });
    const gen =
      cols.generation === undefined
        ? "-1"
        : `max(CASE WHEN ${subjectPredicate(cols.match, subject)} THEN ${quoteIdent(cols.generation)} END)`;
    const reader = await deps.duckdb.runAndReadAll(
      `SELECT count(*), count(*) FILTER (WHERE ${subjectPredicate(cols.match, subject)}), ${gen} FROM (${scan.sql}) AS __fx_file`,
    );
    const [rows, matching, g] = (reader.getRows()[0] ?? [0n, 0n, null]) as [
      bigint,
      bigint,
      bigint | number | null,
    ];
    if (Number(matching) === 0) continue;
    if (g !== null && BigInt(g) > maxGeneration) maxGeneration = BigInt(g);
    files.push({
      path,
      add,
      rows: Number(rows),
      matching: Number(matching),
      action: matching === rows ? "remove" : "rewrite",
    });
  }
  return { ...t, version: snapshot.version, files, column: cols.match, maxGeneration };
}

export async function planErasure(
  deps: PlanErasureDeps,
  subject: ErasureSubject,
  regions?: readonly string[],
): Promise<ErasurePlan> {
  const tables: TableErasure[] = [];
  for (const t of await listLakeTables(deps.store, deps.lakeRoot, regions)) {
    const planned = await planTable(deps, t, subject);
    if (planned !== undefined) tables.push(planned);
  }
  const offloads: { store: string; keys: string[]; bytes: number }[] = [];
  if (subject.resourceAri !== undefined) {
    const shas = await resourceOffloadShas(deps, tables, subject);
    for (const o of deps.offloads) {
      const keys: string[] = [];
      let bytes = 0;
      if (o.kind === "dead-letters") {
        for await (const info of o.store.list(`${o.prefix.replace(/\/+$/, "")}/${subject.workspaceId}/`))
          if (recordResource(await o.store.get(info.key)) === subject.resourceAri) {
            keys.push(info.key);
            bytes += info.size;
          }
        offloads.push({ store: o.store.url, keys, bytes });
        continue;
      }
      for (const sha of shas) {
        const key = `${o.prefix.replace(/\/+$/, "")}/${subject.workspaceId}/${sha.slice(0, 2)}/${sha}`;
        const info = await o.store.head(key);
        if (info === undefined) continue;
        keys.push(key);
        bytes += info.size;
      }
      offloads.push({ store: o.store.url, keys, bytes });
    }
  } else
    for (const o of deps.offloads) {
      const keys: string[] = [];
      let bytes = 0;
      const prefix = `${o.prefix.replace(/\/+$/, "")}/${subject.workspaceId}/`;
      for await (const info of o.store.list(prefix)) {
        keys.push(info.key);
        bytes += info.size;
      }
      offloads.push({ store: o.store.url, keys, bytes });
    }
  return {
    subject,
    tables,
    offloads,
    rows: tables.reduce((n, t) => n + t.files.reduce((m, f) => m + f.matching, 0), 0),
    files: tables.reduce((n, t) => n + t.files.length, 0),
  };
}

/** sha256 of the offloaded payloads the sinks hold for the resource and for no other resource of the workspace. */
async function resourceOffloadShas(
  deps: PlanErasureDeps,
  tables: readonly TableErasure[],
  subject: ErasureSubject,
): Promise<string[]> {
  const mine = new Set<string>();
  const shared = new Set<string>();
  for (const t of tables) {
    if (t.name !== "sink") continue;
    const table = openTable(deps.store, t.path, deps.duckdb);
    const snapshot = await loadSnapshot(table);
    const files = [...snapshot.files.entries()].filter(
      ([, add]) =>
        add.partitionValues.workspace_id === undefined ||
        add.partitionValues.workspace_id === subject.workspaceId,
    );
    if (files.length === 0) continue;
    const scan = await readTable(table, { snapshot: { ...snapshot, files: new Map(files) } });
    const reader = await deps.duckdb.runAndReadAll(
      `SELECT DISTINCT resource_ari = ${quoteLiteral(subject.resourceAri as string)}, payload FROM (${scan.sql}) ` +
        `AS __fx_sink WHERE offloaded AND payload IS NOT NULL AND workspace_id = ${quoteLiteral(subject.workspaceId)}`,
    );
    for (const [isMine, payload] of reader.getRows() as [boolean, { bytes: Uint8Array }][]) {
      const sha = createHash("sha256").update(payload.bytes).digest("hex");
      (isMine ? mine : shared).add(sha);
    }
  }
  return [...mine].filter((sha) => !shared.has(sha)).sort();
}

/** The resource ARI of a dead letter's record bytes (undefined when they do not decode). */
function recordResource(bytes: Uint8Array): string | undefined {
  try {
    return decodeRecord(bytes).resourceAri;
  } catch {
    return undefined;
  }
}
