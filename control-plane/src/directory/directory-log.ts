// Where directory events are stored: a compacted Kafka topic with the Kafka bus (any Transport, in fact) or a
// file of JSON lines in embedded mode. One interface, one conformance suite (conformance.ts) for both.

import type { DirectoryEvent } from "./directory-entry.js";

/** An opaque read position: pass back what the last read returned (start with 0n). */
export type DirectoryCursor = bigint;

export interface DirectoryLog {
  /** Human-readable location, for messages. */
  readonly url: string;
  /** Appends durably, in order. */
  append(events: readonly DirectoryEvent[]): Promise<void>;
  /**
   * Every event after `cursor` up to the end of the log as of this call (so a reader sees its own writes),
   * in log order, with the cursor to pass next time.
   */
  read(
    cursor: DirectoryCursor,
  ): Promise<{ readonly events: readonly DirectoryEvent[]; readonly cursor: DirectoryCursor }>;
  close(): Promise<void>;
}
