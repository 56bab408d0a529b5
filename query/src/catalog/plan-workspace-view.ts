// What one workspace may see of one table, as a plain-value plan: the data files of its partition only (pruned
// by the log's partitionValues, never by path), the row filter (its workspace id, tombstones out, and every row of
// a deleted resource out) and the columns shown (internal LWW columns hidden). Pure: reads nothing and never
// decides to show a table whose rows cannot be attributed to a workspace.
//
// A deleted resource vanishes from every table, an Append history included: a row is shown only when the newest
// record of its resource in the same table (greatest generation, then version, a tombstone first on a tie) is not
// a tombstone, and the row belongs to that newest generation (an older generation is a deleted incarnation of a
// re-created resource). The rows stay in the lake, hidden, until the tombstone purge.
import { type AddAction, duckdbTypeOf, quoteIdent, quoteLiteral, type Snapshot } from "@facsimile/lake";
import { QueryArgumentError } from "../errors.js";

export interface WorkspaceViewOptions {
  /** The column (and partition column) holding the workspace id. Always shown. */
  readonly workspaceColumn: string;
  /** BOOLEAN column flagging a deleted resource; its rows are never shown. Absent column: nothing filtered. */
  readonly tombstoneColumn: string;
  /**
   * The resource identity and its LWW order: with all three columns (and the tombstone column) in a table, the rows
   * of a resource whose newest record is a tombstone, or of an older generation than its newest, are hidden.
   */
  readonly resourceColumn: string;
  readonly generationColumn: string;
  readonly versionColumn: string;
  /** Columns never shown: the LWW machinery, meaningless to analysts. */
  readonly hiddenColumns: readonly string[];
  /** Columns whose names start with this are internal too ("" hides nothing by prefix). */
  readonly hiddenColumnPrefix: string;
  /**
   * The row's own record of its workspace (the envelope's workspace ARI), a second fence besides the partition
   * value: when the table has this column, only rows whose value is `workspaceAriPrefix + workspace` are shown.
   */
  readonly workspaceAriColumn: string;
  readonly workspaceAriPrefix: string;
}

export const WORKSPACE_VIEW_DEFAULTS: Readonly<WorkspaceViewOptions> = Object.freeze({
  workspaceColumn: "workspace_id",
  tombstoneColumn: "envelope_fields_is_tombstone",
  resourceColumn: "envelope_fields_resource_ari_value",
  generationColumn: "envelope_fields_generation_counter",
  versionColumn: "envelope_fields_version",
  hiddenColumns: Object.freeze([
    "envelope_fields_is_tombstone",
    "envelope_fields_version",
    "envelope_fields_generation_counter",
    "envelope_fields_payload_hash",
  ]),
  hiddenColumnPrefix: "_",
  workspaceAriColumn: "envelope_fields_workspace_id_value",
  workspaceAriPrefix: "ari:cloud:platform::workspace/",
});

/** Workspace ids: letters, digits and `._:-`, at most 128 characters (ids and ARIs' id parts fit). */
export const WORKSPACE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export function checkWorkspaceId(workspace: string): string {
  if (!WORKSPACE_PATTERN.test(workspace))
    throw new QueryArgumentError(
      "INVALID_ARGUMENT",
      `invalid workspace id ${JSON.stringify(workspace.slice(0, 200))}: expected ${WORKSPACE_PATTERN.source}`,
    );
  return workspace;
}

export interface ViewColumn {
  readonly name: string;
  /** DuckDB type text, e.g. VARCHAR, TIMESTAMPTZ. */
  readonly type: string;
}

export interface WorkspaceViewPlan {
  readonly kind: "view";
  readonly name: string;
  readonly version: number;
  readonly columns: readonly ViewColumn[];
  /** The snapshot with only the workspace's data files (all files when the table is not partitioned by it). */
  readonly snapshot: Snapshot;
  /** True when files were pruned by the workspace partition; false means every file is read and filtered. */
  readonly pruned: boolean;
  /**
   * Columns computed over the workspace's rows before the filter (`<window expression> AS <name>`), which
   * rowFilter may use: select them beside the table's columns, then filter.
   */
  readonly derived: readonly string[];
  /** SQL predicate over the table's rows and `derived`: the workspace's, not tombstoned, not deleted. */
  readonly rowFilter: string;
}

/** The derived columns' names: the newest record's tombstone flag and generation, per resource. */
export const LATEST_TOMBSTONE = "__fx_latest_tombstone";
export const LATEST_GENERATION = "__fx_latest_generation";

export interface SkippedTablePlan {
  readonly kind: "skipped";
  readonly name: string;
  readonly reason: string;
  /** The table's log could not be read (the reason may name lake paths: operators only). */
  readonly unreadable?: true;
}

export function planWorkspaceView(
  name: string,
  snapshot: Snapshot,
  workspace: string,
  options: Partial<WorkspaceViewOptions> = {},
): WorkspaceViewPlan | SkippedTablePlan {
  const o = { ...WORKSPACE_VIEW_DEFAULTS, ...options };
  checkWorkspaceId(workspace);
  const fields = snapshot.schema.fields;
  if (!fields.some((f) => f.name === o.workspaceColumn))
    return {
      kind: "skipped",
      name,
      reason: `no ${o.workspaceColumn} column: its rows cannot be attributed to a workspace`,
    };
  const hidden = new Set(o.hiddenColumns);
  const columns = fields
    .filter(
      (f) =>
        f.name === o.workspaceColumn ||
        !(hidden.has(f.name) || (o.hiddenColumnPrefix !== "" && f.name.startsWith(o.hiddenColumnPrefix))),
    )
    .map((f) => ({ name: f.name, type: duckdbTypeOf(f.type) }));
  const pruned = snapshot.partitionColumns.includes(o.workspaceColumn);
  const files = pruned
    ? new Map<string, AddAction>(
        [...snapshot.files].filter(([, add]) => add.partitionValues[o.workspaceColumn] === workspace),
      )
    : snapshot.files;
  const filters = [`${quoteIdent(o.workspaceColumn)} = ${quoteLiteral(workspace)}`];
  const ariColumn = fields.find((f) => f.name === o.workspaceAriColumn);
  if (ariColumn !== undefined) {
    // Fail closed: a workspace ARI we cannot compare as text would let rows of unknown origin through.
    if (ariColumn.type !== "string")
      return { kind: "skipped", name, reason: `${o.workspaceAriColumn} is not VARCHAR` };
    filters.push(`${quoteIdent(o.workspaceAriColumn)} = ${quoteLiteral(o.workspaceAriPrefix + workspace)}`);
  }
  const tombstone = fields.find((f) => f.name === o.tombstoneColumn);
  if (tombstone !== undefined) {
    // Fail closed: a tombstone flag we cannot read as a boolean would let deleted rows through.
    if (tombstone.type !== "boolean")
      return { kind: "skipped", name, reason: `${o.tombstoneColumn} is not BOOLEAN` };
    filters.push(`${quoteIdent(o.tombstoneColumn)} IS NOT TRUE`);
  }
  const derived: string[] = [];
  const has = (c: string) => fields.some((f) => f.name === c);
  if (tombstone !== undefined && has(o.resourceColumn) && has(o.generationColumn) && has(o.versionColumn)) {
    const [t, r, g, v] = [o.tombstoneColumn, o.resourceColumn, o.generationColumn, o.versionColumn].map(
      quoteIdent,
    );
    const newest = `OVER (PARTITION BY ${r} ORDER BY ${g} DESC, ${v} DESC, coalesce(${t}, false) DESC)`;
    derived.push(
      `first_value(coalesce(${t}, false)) ${newest} AS ${LATEST_TOMBSTONE}`,
      `first_value(${g}) ${newest} AS ${LATEST_GENERATION}`,
    );
    filters.push(`NOT ${LATEST_TOMBSTONE}`, `${g} IS NOT DISTINCT FROM ${LATEST_GENERATION}`);
  }
  return {
    kind: "view",
    name,
    version: snapshot.version,
    columns,
    snapshot: Object.freeze({ ...snapshot, files }),
    pruned,
    derived,
    rowFilter: filters.join(" AND "),
  };
}
