// Decides what the demo does with what an earlier run left, from a marker it keeps in the lake
// (`demo/run.json`: the workload it ran and the run id its consumer groups are named after):
// - the same workload: run again on top (a new delivery of the same changes must leave the tables as they are);
// - another workload: wipe the demo's topics, lake and scratch files first (mixing two workloads' resources
//   would break the oracle);
// - data without a marker: refuse unless --fresh, since it is not the demo's to delete.
// Then it creates the regions' topics. --fresh always wipes first.
import { randomBytes } from "node:crypto";
import { createRegionTopics, recordsTopic, type Transport } from "@facsimile/bus";
import type { ObjectStore } from "@facsimile/object-store";
import { type DemoBackends, DemoSetupError } from "./open-demo-backends.js";

export const DEMO_MARKER_KEY = "demo/run.json";

export interface DemoWorkloadIdentity {
  readonly seed: number;
  readonly size: number;
  readonly regions: readonly string[];
}

export interface DemoRunMarker {
  readonly workload: DemoWorkloadIdentity;
  /** Names the run's consumer groups: a wiped lake gets a new one, so no stale committed offset applies. */
  readonly runId: string;
  readonly createdAt: string;
}

export interface DemoState {
  readonly runId: string;
  /** True when this run adds to the same workload's earlier run. */
  readonly reused: boolean;
  /** What was wiped and why, for the summary; undefined when nothing was. */
  readonly wiped: string | undefined;
}

export interface PrepareOptions {
  readonly fresh: boolean;
  readonly partitions: number;
}

async function readMarker(store: ObjectStore): Promise<DemoRunMarker | undefined> {
  if ((await store.head(DEMO_MARKER_KEY)) === undefined) return undefined;
  try {
    return JSON.parse(new TextDecoder().decode(await store.get(DEMO_MARKER_KEY))) as DemoRunMarker;
  } catch {
    return undefined;
  }
}

function sameWorkload(a: DemoWorkloadIdentity, b: DemoWorkloadIdentity): boolean {
  return a.seed === b.seed && a.size === b.size && a.regions.join(",") === b.regions.join(",");
}

/** What is there without a marker: the first lake object under regions/ or a non-empty records topic. */
async function foreignData(store: ObjectStore, transport: Transport, regions: readonly string[]) {
  for await (const o of store.list("regions/")) return `${store.url}/${o.key}`;
  for (const region of regions) {
    const topic = recordsTopic(region);
    if ((await transport.partitionCount(topic)) === undefined) continue;
    const offsets = await transport.latestOffsets(topic);
    if (offsets.some((o) => o.offset > 0n)) return `${transport.url} topic ${topic}`;
  }
  return undefined;
}

export async function prepareDemoState(
  backends: DemoBackends,
  workload: DemoWorkloadIdentity,
  options: PrepareOptions,
): Promise<DemoState> {
  const { store, transport } = backends;
  let wiped: string | undefined;
  let marker = options.fresh ? undefined : await readMarker(store);
  if (options.fresh) {
    await backends.wipe(workload.regions);
    wiped = "--fresh: started from an empty bus and lake";
  } else if (marker !== undefined && !sameWorkload(marker.workload, workload)) {
    const w = marker.workload;
    await backends.wipe([...new Set([...w.regions, ...workload.regions])]);
    wiped = `replaced the previous run (workload seed ${w.seed}, size ${w.size}, regions ${w.regions.join(",")})`;
    marker = undefined;
  } else if (marker === undefined) {
    const found = await foreignData(store, transport, workload.regions);
    if (found !== undefined)
      throw new DemoSetupError(
        `${found} holds data no demo run wrote: pass --fresh to wipe the demo's folders, topics and lake ` +
          "objects, or choose another --data (or --regions, --bucket, --prefix)",
      );
  }
  const reused = marker !== undefined;
  if (marker === undefined) {
    marker = { workload, runId: randomBytes(4).toString("hex"), createdAt: new Date().toISOString() };
    await store.put(DEMO_MARKER_KEY, new TextEncoder().encode(`${JSON.stringify(marker, null, 2)}\n`), {
      contentType: "application/json",
    });
  }
  for (const region of workload.regions)
    await createRegionTopics(transport, region, { partitions: options.partitions });
  return { runId: marker.runId, reused, wiped };
}
