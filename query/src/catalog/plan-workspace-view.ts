// What one workspace may see of one table, as a plain-value plan: the data files of its partition only (pruned
// by the log's partitionValues, never by path), the row filter (its workspace id, tombstones out) and the
// columns shown (internal LWW columns hidden). Pure: reads nothing and never decides to show a table whose
// rows cannot be attributed to a workspace.
import { type AddAction, duckdbTypeOf, quoteIdent, quoteLiteral, type Snapshot } from "@facsimile/lake";
import { QueryArgumentError } from "../errors.js";

export interface WorkspaceViewOptions {
  /** The column (and partition column) holding the workspace id. Always shown. */
  readonly workspaceColumn: string;
  /** BOOLEAN column flagging a deleted resource; its rows are never shown. Absent column: nothing filtered. */
  readonly tombstoneColumn: string;
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
  /** SQL predicate over the table's rows: the workspace's, not tombstoned. */
  readonly rowFilter: string;
}

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
  return {
    kind: "view",
    name,
    version: snapshot.version,
    columns,
    snapshot: Object.freeze({ ...snapshot, files }),
    pruned,
    rowFilter: filters.join(" AND "),
  };
}
