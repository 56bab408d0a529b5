// Tells cheaply whether a region's lake moved: the latest commit version of each target table and of the raw
// sink, found by listing only the log keys after the last one seen (one small listing per table), never by
// loading snapshots. What it returns is a key to compare, not a snapshot to read. Read-only.
import { regionLayout } from "@facsimile/lake";
import type { ObjectStore } from "@facsimile/object-store";
import { listRegionTables } from "./list-region-tables.js";

const COMMIT = /\/_delta_log\/(\d{20})\.json$/;

export interface RegionVersions {
  /** Table name (and "__sink" for the raw sink) -> latest commit version (-1: none yet). */
  readonly versions: ReadonlyMap<string, number>;
  /** Equal keys mean nothing was committed in between. */
  readonly key: string;
}

export const SINK_KEY = "__sink";

export class RegionVersionWatcher {
  private readonly last = new Map<string, { version: number; key: string | undefined }>();

  constructor(
    private readonly store: ObjectStore,
    private readonly region: string,
  ) {}

  async read(): Promise<RegionVersions> {
    const names = await listRegionTables(this.store, this.region);
    const paths: [string, string][] = names.map((n) => [n, regionLayout.table(this.region, n)]);
    paths.push([SINK_KEY, regionLayout.sink(this.region)]);
    const versions = new Map<string, number>();
    await Promise.all(paths.map(async ([name, path]) => versions.set(name, await this.latest(path))));
    const key = [...versions]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([n, v]) => `${n}@${v}`)
      .join(",");
    return { versions, key };
  }

  private async latest(path: string): Promise<number> {
    const seen = this.last.get(path) ?? { version: -1, key: undefined };
    let { version, key } = seen;
    const prefix = `${path}/_delta_log/`;
    for await (const o of this.store.list(prefix, {
      delimiter: "/",
      ...(key === undefined ? {} : { startAfter: key }),
    })) {
      const m = COMMIT.exec(o.key);
      if (m === null) continue;
      const v = Number(m[1]);
      if (v > version) {
        version = v;
        key = o.key;
      }
    }
    this.last.set(path, { version, key });
    return version;
  }
}
