// The merge stage's fast path: the records of the sink versions this worker committed, kept in memory until
// every target has merged them, so the merge does not read back and decode the files it just wrote. A range
// is served from memory for the versions this worker committed; the runs of versions it does not know (other
// workers' commits, the table's creation, evicted versions) are read from the sink. Bounded: the oldest versions
// go first when it is full.
import type { SinkRecord } from "./sink-record.js";

export interface SinkVersionCacheOptions {
  /** Records kept at most; beyond it the oldest versions are evicted (their ranges are read from the sink). */
  readonly maxRecords: number;
}

export const DEFAULT_SINK_VERSION_CACHE_OPTIONS: Readonly<SinkVersionCacheOptions> = Object.freeze({
  maxRecords: 200_000,
});

export class SinkVersionCache {
  private readonly versions = new Map<number, readonly SinkRecord[]>();
  private records = 0;
  private readonly options: SinkVersionCacheOptions;

  constructor(options: Partial<SinkVersionCacheOptions> = {}) {
    this.options = { ...DEFAULT_SINK_VERSION_CACHE_OPTIONS, ...options };
  }

  /** The records sink version `version` added (an empty list for a commit without rows). */
  put(version: number, records: readonly SinkRecord[]): void {
    const old = this.versions.get(version);
    if (old !== undefined) this.records -= old.length;
    this.versions.set(version, records);
    this.records += records.length;
    while (this.records > this.options.maxRecords && this.versions.size > 1) {
      const oldest = Math.min(...this.versions.keys());
      this.records -= this.versions.get(oldest)?.length ?? 0;
      this.versions.delete(oldest);
    }
  }

  /**
   * Records of the known versions in (from, to], and the runs of versions (from, to] it does not know, which the
   * caller reads from the sink.
   */
  range(from: number, to: number): { records: SinkRecord[]; missing: [number, number][] } {
    const records: SinkRecord[] = [];
    const missing: [number, number][] = [];
    for (let v = from + 1; v <= to; v++) {
      const known = this.versions.get(v);
      if (known !== undefined) {
        for (const r of known) records.push(r);
        continue;
      }
      const last = missing[missing.length - 1];
      if (last !== undefined && last[1] === v - 1) last[1] = v;
      else missing.push([v - 1, v]);
    }
    return { records, missing };
  }

  /** Forgets versions at or below `version` (every target has merged them). */
  evictThrough(version: number): void {
    for (const [v, records] of this.versions) {
      if (v > version) continue;
      this.records -= records.length;
      this.versions.delete(v);
    }
  }

  get size(): { readonly versions: number; readonly records: number } {
    return { versions: this.versions.size, records: this.records };
  }
}
