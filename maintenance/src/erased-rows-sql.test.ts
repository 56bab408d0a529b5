// The registry as SQL selects exactly the rows DirectoryView.isErased refuses: an erasing or erased workspace,
// rows below a workspace's deletion generation, an erased resource below its generation; nothing else.
import { DuckDBInstance } from "@duckdb/node-api";
import {
  createDirectoryView,
  type DirectoryEntry,
  type DirectoryLog,
  makeEvent,
} from "@facsimile/control-plane";
import { describe, expect, it } from "vitest";
import { erasedRowsPredicate } from "./erased-rows-sql.js";

const entry = (e: Partial<DirectoryEntry> & { workspaceId: string }): Omit<DirectoryEntry, "seq"> => ({
  realm: "eu",
  regions: ["eu"],
  state: "ONLINE",
  deletionGeneration: "0",
  keyId: undefined,
  erasedResources: [],
  ...e,
});

const ENTRIES = [
  entry({ workspaceId: "gone", state: "ERASED" }),
  entry({ workspaceId: "going", state: "ERASING" }),
  entry({ workspaceId: "reborn", deletionGeneration: "5" }),
  entry({ workspaceId: "picky", erasedResources: [{ resourceAri: "x", generation: "3" }] }),
  entry({ workspaceId: "fine" }),
];

/** A read-only log holding one registering event per entry. */
function logOf(entries: readonly Omit<DirectoryEntry, "seq">[]): DirectoryLog {
  const events = entries.map((e) =>
    makeEvent(null, e, { actor: "t", reason: "t", action: "register", at: 0 }),
  );
  return {
    read: async () => ({ events, cursor: events.length }),
    append: async () => undefined,
    close: async () => undefined,
  } as unknown as DirectoryLog;
}

describe("erasedRowsPredicate", () => {
  it("matches DirectoryView.isErased row by row", async () => {
    const view = createDirectoryView(logOf(ENTRIES));
    await view.refresh();
    const rows: [string, string, number][] = [];
    for (const ws of ["gone", "going", "reborn", "picky", "fine", "unknown"])
      for (const res of ["x", "y"]) for (const gen of [0, 2, 3, 4, 5, 6]) rows.push([ws, res, gen]);
    const predicate = erasedRowsPredicate(view.list(), {
      workspace: "workspace_id",
      resource: "resource_ari",
      generation: "generation",
    });
    const db = await DuckDBInstance.create(":memory:");
    const conn = await db.connect();
    try {
      const values = rows.map(([w, r, g]) => `('${w}', '${r}', ${g}::BIGINT)`).join(", ");
      const reader = await conn.runAndReadAll(
        `SELECT workspace_id, resource_ari, generation, coalesce(${predicate}, false) FROM (VALUES ${values}) ` +
          "AS t(workspace_id, resource_ari, generation) ORDER BY ALL",
      );
      const got = reader.getRows().map(([w, r, g, erased]) => `${w}/${r}/${g}:${erased}`);
      const want = [...rows]
        .sort()
        .map(([w, r, g]) => `${w}/${r}/${g}:${view.isErased(w, r, BigInt(g))}`)
        .sort();
      expect(got.sort()).toEqual(want);
      expect(want.filter((x) => x.endsWith(":true")).length).toBeGreaterThan(20);
    } finally {
      conn.closeSync();
      db.closeSync();
    }
  });
});
