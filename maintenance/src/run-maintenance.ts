// One maintenance operation over the tables of a region (or one table): for each, the plan, printed, then (unless
// a dry run) its execution. A table whose operation fails does not stop the others: its error is in its report.
import type { DuckDBConnection } from "@duckdb/node-api";
import type { DirectoryView } from "@facsimile/control-plane";
import { loadSnapshot, openTable, type Table, type TableOptions } from "@facsimile/lake";
import type { ObjectStore } from "@facsimile/object-store";
import { executeCheckpoint, planCheckpoint } from "./checkpoint-table.js";
import { describePlan, type MaintenancePlan } from "./describe.js";
import { executeOptimize } from "./execute-optimize.js";
import { executePurgeTombstones } from "./execute-purge-tombstones.js";
import { executeVacuum } from "./execute-vacuum.js";
import { type MaintenanceOptions, maintenanceOptions } from "./maintenance-options.js";
import { maintenanceTables } from "./maintenance-tables.js";
import { planOptimize } from "./plan-optimize.js";
import { planPurgeTombstones } from "./plan-purge-tombstones.js";
import { planVacuum } from "./plan-vacuum.js";

export const MAINTENANCE_OPERATIONS = Object.freeze([
  "vacuum",
  "optimize",
  "checkpoint",
  "purge-tombstones",
] as const);
export type MaintenanceOperation = (typeof MAINTENANCE_OPERATIONS)[number];

export function isMaintenanceOperation(s: string): s is MaintenanceOperation {
  return (MAINTENANCE_OPERATIONS as readonly string[]).includes(s);
}

export interface MaintenanceDeps {
  readonly store: ObjectStore;
  /** Key prefix of the lake in the store ("" = its root). */
  readonly lakeRoot: string;
  readonly duckdb: DuckDBConnection;
  /** The directory (the erasure registry): needed by purge-tombstones. */
  readonly view?: DirectoryView | undefined;
  readonly tableOptions?: Partial<TableOptions> | undefined;
}

export interface MaintenanceTarget {
  readonly region: string;
  readonly table?: string | undefined;
  readonly dryRun?: boolean | undefined;
}

export interface TableReport {
  readonly region: string;
  readonly table: string;
  readonly operation: MaintenanceOperation;
  readonly plan?: MaintenancePlan;
  readonly result?: Readonly<Record<string, unknown>>;
  readonly error?: unknown;
}

async function planFor(
  table: Table,
  op: MaintenanceOperation,
  o: MaintenanceOptions,
): Promise<MaintenancePlan> {
  switch (op) {
    case "vacuum":
      return planVacuum(table, o);
    case "optimize":
      return planOptimize(await loadSnapshot(table), o);
    case "checkpoint":
      return planCheckpoint(table);
    case "purge-tombstones":
      return planPurgeTombstones(table, o);
  }
}

async function execute(
  table: Table,
  plan: MaintenancePlan,
  deps: MaintenanceDeps,
  o: MaintenanceOptions,
): Promise<Readonly<Record<string, unknown>>> {
  switch (plan.kind) {
    case "vacuum":
      return { ...(await executeVacuum(table, plan, o.onProgress)) };
    case "optimize":
      return { ...(await executeOptimize(table, plan, o)) };
    case "checkpoint":
      return executeCheckpoint(table, plan);
    case "purge-tombstones": {
      if (plan.files.length === 0) return { rowsPurged: 0 };
      if (deps.view === undefined)
        return { rowsPurged: 0, skipped: "no directory: the erasure registry must guard what a purge drops" };
      return { ...(await executePurgeTombstones(table, plan, deps.view, o)) };
    }
  }
}

export async function runMaintenance(
  deps: MaintenanceDeps,
  operation: MaintenanceOperation,
  target: MaintenanceTarget,
  options: Partial<MaintenanceOptions> = {},
): Promise<TableReport[]> {
  const o = maintenanceOptions(options);
  const reports: TableReport[] = [];
  for (const t of await maintenanceTables(deps.store, deps.lakeRoot, target.region, target.table)) {
    // The raw sink holds the record history, not tombstone rows: it is never purged.
    if (operation === "purge-tombstones" && t.name === "sink") continue;
    const table = openTable(deps.store, t.path, deps.duckdb, deps.tableOptions);
    const report = { region: t.region, table: t.name, operation };
    let plan: MaintenancePlan | undefined;
    try {
      plan = await planFor(table, operation, o);
      for (const line of describePlan(plan)) o.onProgress?.(line);
      if (target.dryRun === true) {
        reports.push({ ...report, plan });
        continue;
      }
      const result = await execute(table, plan, deps, o);
      reports.push({ ...report, plan, result });
    } catch (err) {
      reports.push({ ...report, ...(plan === undefined ? {} : { plan }), error: err });
    }
  }
  return reports;
}
