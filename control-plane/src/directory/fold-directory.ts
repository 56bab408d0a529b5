// The directory's state as a fold of its events, pure. An event applies only on top of the entry it was made
// against (its prevSeq is the entry's seq, 0 for a new workspace): of two writers that raced from one entry, the
// first in the log wins and the other's event is ignored by every reader alike; that writer reads back, sees
// another event id in place and reports a conflict. Compare-and-set through a log, with no lock.
import type { DirectoryEntry, DirectoryEvent } from "./directory-entry.js";

export class DirectoryState {
  private readonly entries = new Map<string, { entry: DirectoryEntry; eventId: string }>();

  /** Applies events in log order; returns the workspaces whose entry changed. */
  apply(events: readonly DirectoryEvent[]): string[] {
    const changed: string[] = [];
    for (const e of events) {
      const current = this.entries.get(e.workspaceId);
      if (e.prevSeq !== (current?.entry.seq ?? 0)) continue;
      this.entries.set(e.workspaceId, { entry: e.next, eventId: e.eventId });
      changed.push(e.workspaceId);
    }
    return changed;
  }

  get(workspaceId: string): DirectoryEntry | undefined {
    return this.entries.get(workspaceId)?.entry;
  }

  /** The id of the event that set the workspace's entry. */
  eventIdOf(workspaceId: string): string | undefined {
    return this.entries.get(workspaceId)?.eventId;
  }

  list(): DirectoryEntry[] {
    return [...this.entries.values()]
      .map((e) => e.entry)
      .sort((a, b) => (a.workspaceId < b.workspaceId ? -1 : a.workspaceId > b.workspaceId ? 1 : 0));
  }
}
