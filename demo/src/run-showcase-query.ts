// The seed's analyst query (issues resolved per month and project) over one workspace's tables, through the same
// sandboxed query engine `facsimile query` uses: what an analyst of that workspace would see.
import { join } from "node:path";
import type { ObjectStore } from "@facsimile/object-store";
import {
  type ExampleQuery,
  ISSUES_RESOLVED_PER_MONTH,
  openQueryEngine,
  type QueryResult,
} from "@facsimile/query";

export interface ShowcaseQuery {
  readonly region: string;
  readonly workspace: string;
  readonly query: ExampleQuery;
  readonly result: QueryResult;
}

export async function runShowcaseQuery(
  store: ObjectStore,
  region: string,
  workspace: string,
  workDir: string,
): Promise<ShowcaseQuery> {
  const engine = await openQueryEngine(store, { session: { cacheDir: join(workDir, "query-cache") } });
  try {
    const session = await engine.openSession(region, workspace);
    try {
      const result = await session.query(ISSUES_RESOLVED_PER_MONTH.sql);
      return { region, workspace, query: ISSUES_RESOLVED_PER_MONTH, result };
    } finally {
      await session.close();
    }
  } finally {
    await engine.close();
  }
}
