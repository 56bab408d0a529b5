// A query result read as it comes: the columns first, then batches of rows (one per DuckDB chunk) as the sandbox
// reads them, under the same limits as a whole result (the row limit cuts it, the byte limit fails it). For
// callers that write rows out as they go (a wire protocol, a CSV download) instead of holding the whole result.
import type { QueryError } from "../errors.js";
import type { QueryColumn, QueryResult, QueryValue } from "./query-result.js";

export type QueryRows = readonly (readonly QueryValue[])[];

export interface QueryStream extends AsyncIterable<QueryRows> {
  readonly columns: readonly QueryColumn[];
  /** Settles when the query ended: rowCount and truncated (its `rows` is empty), or the query's error. */
  readonly done: Promise<QueryResult>;
}

/** The queue between the sandbox's messages and the stream's reader. */
export class RowQueue {
  private readonly batches: QueryRows[] = [];
  private wake: (() => void) | undefined;
  private ended = false;
  private failure: QueryError | undefined;

  push(rows: QueryRows): void {
    this.batches.push(rows);
    this.notify();
  }

  end(error?: QueryError): void {
    this.ended = true;
    this.failure = error;
    this.notify();
  }

  async *read(): AsyncGenerator<QueryRows> {
    for (;;) {
      const next = this.batches.shift();
      if (next !== undefined) {
        yield next;
        continue;
      }
      if (this.ended) {
        if (this.failure !== undefined) throw this.failure;
        return;
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
