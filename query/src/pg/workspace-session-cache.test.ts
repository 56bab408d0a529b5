// The session cache with in-memory sessions: one session per workspace shared by every lease, replaced in the
// background when the lake's state key changes, the replaced one closed only once its last lease is released.
import { waitFor } from "@facsimile/core/testing";
import { describe, expect, it } from "vitest";
import type { WorkspaceSession } from "../session/open-workspace-session.js";
import { WorkspaceSessionCache } from "./workspace-session-cache.js";

function fakeSession(workspace: string, id: number, closed: Set<number>): WorkspaceSession {
  return {
    region: "eu",
    workspace,
    tables: [],
    skipped: [],
    limits: {} as WorkspaceSession["limits"],
    query: async () => ({ columns: [], rows: [[id]], rowCount: 1, truncated: false, elapsedMs: 0 }),
    stream: async () => {
      throw new Error("not used");
    },
    interrupt: () => undefined,
    close: async () => {
      closed.add(id);
    },
  };
}

describe("WorkspaceSessionCache", () => {
  it("shares a session per workspace and swaps it when the state key changes", async () => {
    let key = "v1";
    let opened = 0;
    const closed = new Set<number>();
    const workspaces: string[] = [];
    const cache = new WorkspaceSessionCache(
      {
        open: async (ws) => {
          workspaces.push(ws);
          return fakeSession(ws, ++opened, closed);
        },
        stateKey: async () => key,
      },
      { refreshIntervalMs: 5 },
    );
    try {
      const a = await cache.acquire("acme");
      const b = await cache.acquire("acme");
      expect(b.session).toBe(a.session);
      const g = await cache.acquire("globex");
      expect(g.session.workspace).toBe("globex");
      g.release();
      expect(opened).toBe(2);

      key = "v2";
      let next = await cache.acquire("acme");
      await waitFor("the session to be swapped", async () => {
        if (next.session !== a.session) return true;
        next.release();
        next = await cache.acquire("acme");
        return false;
      });
      expect(next.stateKey).toBe("v2");
      // The old session stays open while leased.
      expect(closed.has(1)).toBe(false);
      a.release();
      b.release();
      await waitFor("the replaced session to close", () => closed.has(1));
      next.release();
      expect(workspaces.filter((w) => w === "acme")).toHaveLength(2);
    } finally {
      await cache.close();
    }
    // globex was rebuilt for v2 too (4); every session is closed in the end.
    expect(closed).toEqual(new Set([1, 2, 3, 4]));
  });

  it("does not keep a failed open: the next acquire tries again", async () => {
    let fail = true;
    const cache = new WorkspaceSessionCache({
      open: async (ws) => {
        if (fail) throw new Error("lake unavailable");
        return fakeSession(ws, 1, new Set());
      },
      stateKey: async () => "k",
    });
    try {
      await expect(cache.acquire("acme")).rejects.toThrow("lake unavailable");
      fail = false;
      expect((await cache.acquire("acme")).session.workspace).toBe("acme");
    } finally {
      await cache.close();
    }
  });
});
