// After the run: compares every region's target tables with the last-writer-wins oracle of the workload
// (ingest's verifyTables: each Merge table holds exactly the winner of every resource, the exploded table the
// winner's children, the change history every delivered issue version and no Kafka record twice) and counts the
// rows of each table. Reads the lake only.
import { lwwOracle, verifyTables } from "@facsimile/ingest/testing";
import { openDuckDb } from "@facsimile/lake";
import type { ObjectStore } from "@facsimile/object-store";
import type { SchemaRegistry } from "@facsimile/schemas";
import type { DemoOracleRecords } from "./demo-oracle.js";

export interface VerifyDemoInput {
  readonly store: ObjectStore;
  readonly registry: SchemaRegistry;
  readonly regions: readonly string[];
  readonly regionOf: ReadonlyMap<string, string>;
  readonly oracle: DemoOracleRecords;
  /** The delivery plan: indexes into the oracle's records. */
  readonly order: readonly number[];
}

export interface TableCount {
  readonly region: string;
  readonly table: string;
  readonly rows: number;
}

export interface DemoVerification {
  /** Resources the oracle has a winner for. */
  readonly resources: number;
  /** Each difference as a readable line, prefixed with its region; empty when the tables are right. */
  readonly differences: readonly string[];
  readonly tables: readonly TableCount[];
}

export async function verifyDemoTables(input: VerifyDemoInput): Promise<DemoVerification> {
  const { records, offloaded } = input.oracle;
  const differences: string[] = [];
  const tables: TableCount[] = [];
  let resources = 0;
  const duck = await openDuckDb({ config: { threads: "2" } });
  try {
    for (const region of input.regions) {
      const inRegion = (r: { workspaceId: string }) => input.regionOf.get(r.workspaceId) === region;
      const winners = lwwOracle(records, inRegion);
      resources += winners.size;
      const delivered = input.order.flatMap((i) => {
        const r = records[i];
        return r !== undefined && inRegion(r) ? [r] : [];
      });
      const result = await verifyTables({
        store: input.store,
        region,
        connection: duck.connection,
        registry: input.registry,
        winners,
        delivered,
        offloadedBytes: offloaded,
      });
      for (const d of result.differences) differences.push(`${region}: ${d}`);
      for (const [table, rows] of Object.entries(result.rows)) tables.push({ region, table, rows });
    }
  } finally {
    duck.close();
  }
  return { resources, differences, tables };
}
