// The one write path of the directory: read the current entry, compute the next one, append the audited event,
// read back and check that ours is the entry now (else another writer won: DirectoryConflictError, retriable).
import { DirectoryConflictError } from "../errors.js";
import { type DirectoryEntry, type DirectoryEvent, makeEvent } from "./directory-entry.js";
import type { DirectoryView } from "./directory-view.js";

export interface Audit {
  /** Who asked (a user, a job id). */
  readonly actor: string;
  /** Why (a ticket, a job step). */
  readonly reason: string;
}

/**
 * Applies `change` to the workspace's entry (undefined: not in the directory) and records it. `change` returns
 * the next entry, or undefined for "nothing to change" (then nothing is written and the current entry returns).
 */
export async function updateWorkspace(
  view: DirectoryView,
  workspaceId: string,
  action: string,
  audit: Audit,
  change: (current: DirectoryEntry | undefined) => Omit<DirectoryEntry, "seq"> | undefined,
  clock: () => number = Date.now,
  /** Test hook: runs between the read and the append (a competing writer). */
  beforeAppend?: () => Promise<void>,
): Promise<DirectoryEntry | undefined> {
  await view.refresh();
  const current = view.get(workspaceId);
  const next = change(current);
  if (next === undefined) return current;
  const event: DirectoryEvent = makeEvent(
    current ?? null,
    { ...next, workspaceId },
    {
      ...audit,
      action,
      at: clock(),
    },
  );
  await beforeAppend?.();
  await view.log.append([event]);
  await view.refresh();
  if (view.eventIdOf(workspaceId) !== event.eventId)
    throw new DirectoryConflictError(workspaceId, event.next.seq, view.get(workspaceId)?.seq ?? 0);
  return event.next;
}
