// The DirectoryLog conformance suite: what every directory log must show (the file log in unit tests, the
// transport log on the embedded bus in unit tests and on real Kafka in the integration project). It takes the
// test functions as an argument so the package never depends on a test runner; assertions are node:assert.
import { deepStrictEqual, ok, rejects, strictEqual } from "node:assert/strict";
import { waitFor } from "@facsimile/core/testing";
import { type DirectoryEntry, makeEvent } from "../directory/directory-entry.js";
import type { DirectoryLog } from "../directory/directory-log.js";
import { createDirectoryView } from "../directory/directory-view.js";
import { updateWorkspace } from "../directory/update-workspace.js";
import { DirectoryConflictError } from "../errors.js";

export interface DirectoryConformanceApi {
  describe(name: string, fn: () => void): void;
  it(name: string, fn: () => Promise<void>, timeoutMs?: number): void;
}

const audit = { actor: "conformance", reason: "test" };

function entry(
  id: string,
  regions: string[],
  extra: Partial<DirectoryEntry> = {},
): Omit<DirectoryEntry, "seq"> {
  return {
    workspaceId: id,
    realm: "eu",
    regions,
    state: "ONLINE",
    deletionGeneration: "0",
    keyId: undefined,
    erasedResources: [],
    ...extra,
  };
}

/** Registers the suite. `makeLog` returns a NEW client of the SAME log each call (two readers, a restart). */
export function describeDirectoryLogConformance(
  suiteName: string,
  makeLog: () => Promise<DirectoryLog>,
  api: DirectoryConformanceApi,
  timeoutMs = 60_000,
): void {
  api.describe(suiteName, () => {
    api.it(
      "reads its own writes in order, and a new reader sees the same entries",
      async () => {
        const log = await makeLog();
        const view = createDirectoryView(log);
        try {
          await updateWorkspace(view, "ws-a", "register", audit, () => entry("ws-a", ["eu"]));
          await updateWorkspace(view, "ws-b", "register", audit, () => entry("ws-b", ["us"]));
          const moved = await updateWorkspace(view, "ws-a", "set-regions", audit, (c) =>
            c === undefined ? undefined : { ...c, regions: ["eu", "us"] },
          );
          strictEqual(moved?.seq, 2);
          deepStrictEqual(view.regionsOf("ws-a"), ["eu", "us"]);
          strictEqual(view.regionOf("ws-b"), "us");
          const other = await makeLog();
          try {
            const fresh = createDirectoryView(other);
            await fresh.refresh();
            deepStrictEqual(fresh.list(), view.list());
            const { events } = await other.read(0n);
            deepStrictEqual(
              events.map((e) => [e.workspaceId, e.action, e.prevSeq]),
              [
                ["ws-a", "register", 0],
                ["ws-b", "register", 0],
                ["ws-a", "set-regions", 1],
              ],
            );
            deepStrictEqual(events[2]?.previous?.regions, ["eu"]);
            strictEqual(events[2]?.actor, "conformance");
          } finally {
            await other.close();
          }
        } finally {
          await log.close();
        }
      },
      timeoutMs,
    );

    api.it(
      "a reader following the log sees another writer's change, and reads resume from the cursor",
      async () => {
        const writerLog = await makeLog();
        const readerLog = await makeLog();
        const writer = createDirectoryView(writerLog);
        const reader = createDirectoryView(readerLog, { refreshIntervalMs: 50 });
        try {
          await reader.start();
          const seen: string[] = [];
          reader.onChange((ids) => seen.push(...ids));
          await updateWorkspace(writer, "ws-f", "register", audit, () =>
            entry("ws-f", ["eu"], { keyId: "k-1" }),
          );
          await waitFor("the reader to follow the writer", () => reader.get("ws-f") !== undefined, {
            timeoutMs: timeoutMs / 2,
            intervalMs: 20,
          });
          strictEqual(reader.kmsKeyIdOf("ws-f"), "k-1");
          ok(seen.includes("ws-f"));
          const first = await readerLog.read(0n);
          const again = await readerLog.read(first.cursor);
          strictEqual(again.events.length, 0);
        } finally {
          reader.stop();
          await writerLog.close();
          await readerLog.close();
        }
      },
      timeoutMs,
    );

    api.it(
      "an event made from a stale entry is ignored by every reader; its writer gets a retriable conflict",
      async () => {
        const logA = await makeLog();
        const logB = await makeLog();
        const a = createDirectoryView(logA);
        const b = createDirectoryView(logB);
        try {
          const base = await updateWorkspace(a, "ws-c", "register", audit, () => entry("ws-c", ["eu"]));
          ok(base !== undefined);
          const won = await updateWorkspace(a, "ws-c", "set-state", audit, (c) =>
            c === undefined ? c : { ...c, state: "MIGRATING" },
          );
          // b raced from seq 1: its event lands after a's and must not apply anywhere.
          const stale = makeEvent(
            base,
            { ...base, state: "ERASED" },
            { ...audit, action: "erase", at: Date.now() },
          );
          await logB.append([stale]);
          await a.refresh();
          await b.refresh();
          deepStrictEqual(a.get("ws-c"), won);
          deepStrictEqual(b.get("ws-c"), won);
          strictEqual(b.eventIdOf("ws-c"), a.eventIdOf("ws-c"));
          await rejects(
            updateWorkspace(
              b,
              "ws-c",
              "erase",
              audit,
              (c) => (c === undefined ? c : { ...c, state: "ERASED" }),
              () => {
                throw new Error("clock");
              },
            ),
            /clock/,
          );
          await rejects(
            updateWorkspace(
              b,
              "ws-c",
              "erase",
              audit,
              (c) => (c === undefined ? c : { ...c, state: "ERASED" }),
              Date.now,
              async () => {
                // Another writer lands first between b's read and b's append.
                await logA.append([
                  makeEvent(
                    won ?? null,
                    { ...base, state: "ONLINE" },
                    { ...audit, action: "online", at: Date.now() },
                  ),
                ]);
              },
            ),
            (err: unknown) => err instanceof DirectoryConflictError && err.retriable,
          );
          await a.refresh();
          strictEqual(a.get("ws-c")?.state, "ONLINE");
        } finally {
          await logA.close();
          await logB.close();
        }
      },
      timeoutMs,
    );

    api.it(
      "the erasure registry drops every record of an erased workspace and old generations of an erased resource",
      async () => {
        const log = await makeLog();
        const view = createDirectoryView(log);
        try {
          await updateWorkspace(view, "ws-e", "register", audit, () =>
            entry("ws-e", ["eu"], {
              deletionGeneration: "2",
              erasedResources: [{ resourceAri: "ari:cloud:jira:ws-e:issue/1", generation: "5" }],
            }),
          );
          strictEqual(view.isErased("ws-e", "ari:cloud:jira:ws-e:issue/2", 1n), true);
          strictEqual(view.isErased("ws-e", "ari:cloud:jira:ws-e:issue/2", 2n), false);
          strictEqual(view.isErased("ws-e", "ari:cloud:jira:ws-e:issue/1", 4n), true);
          strictEqual(view.isErased("ws-e", "ari:cloud:jira:ws-e:issue/1", 5n), false);
          strictEqual(view.deletionGenerationOf("ws-e"), 2n);
          await updateWorkspace(view, "ws-e", "erase", audit, (c) =>
            c === undefined ? c : { ...c, state: "ERASED" },
          );
          strictEqual(view.isErased("ws-e", "ari:cloud:jira:ws-e:issue/2", 99n), true);
          strictEqual(view.isErased("ws-other", undefined, 0n), false);
        } finally {
          await log.close();
        }
      },
      timeoutMs,
    );
  });
}
