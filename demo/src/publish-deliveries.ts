// Publishes a delivery plan the way a product service would: through the producer SDK's typed publish() (and
// delete() for deletions), with the versions and generations the workload fixed. One producer per region, each
// offloading its large payloads under its own region's prefix of the lake, so a payload never leaves the region
// of its workspace. Resolves once every record is acknowledged; never closes the transport or the store.
import type { Transport } from "@facsimile/bus";
import { regionLayout } from "@facsimile/lake";
import type { ObjectStore } from "@facsimile/object-store";
import {
  createProducer,
  DEFAULT_PRODUCER_OPTIONS,
  type Producer,
  type PublishReceipt,
} from "@facsimile/producer-sdk";
import { createStaticWorkspaceDirectory } from "@facsimile/protocol";
import type { SchemaRegistry } from "@facsimile/schemas";
import type { DemoChange } from "./demo-change.js";
import type { DemoWorkspace } from "./generate-jira-workload.js";

export interface PublishOptions {
  /** Changes handed to the producers before waiting for their acknowledgements. */
  readonly chunk: number;
  readonly offloadThresholdBytes: number;
}

export const DEFAULT_PUBLISH_OPTIONS: Readonly<PublishOptions> = Object.freeze({
  chunk: 500,
  offloadThresholdBytes: DEFAULT_PRODUCER_OPTIONS.offloadThresholdBytes,
});

export interface PublishDeps {
  readonly transport: Transport;
  /** Where offloaded payloads go: the lake's store. */
  readonly store: ObjectStore;
  readonly registry: SchemaRegistry;
  readonly workspaces: readonly DemoWorkspace[];
}

export interface PublishStats {
  readonly records: number;
  /** Records whose payload went to the object store (duplicates counted again). */
  readonly offloaded: number;
  /** Distinct offloaded objects (content-addressed: a duplicate reuses its object). */
  readonly offloadedObjects: number;
  readonly ms: number;
}

/** Where a region's producer puts offloaded payloads: the region's own prefix of the lake. */
export function offloadPrefixOf(region: string): string {
  return regionLayout.offload(region);
}

function publishChange(producer: Producer, change: DemoChange): Promise<PublishReceipt> {
  const envelope = {
    workspaceId: change.workspaceId,
    resourceAri: change.resourceAri,
    version: change.version,
    generationWatermark: change.generation,
  };
  switch (change.entity) {
    case "JiraIssue":
      return change.value === undefined
        ? producer.delete("JiraIssue", envelope)
        : producer.publish("JiraIssue", { ...envelope, value: change.value });
    case "JiraProject":
      return change.value === undefined
        ? producer.delete("JiraProject", envelope)
        : producer.publish("JiraProject", { ...envelope, value: change.value });
    case "ConfluencePage":
      return change.value === undefined
        ? producer.delete("ConfluencePage", envelope)
        : producer.publish("ConfluencePage", { ...envelope, value: change.value });
  }
}

export async function publishDeliveries(
  deps: PublishDeps,
  changes: readonly DemoChange[],
  order: readonly number[],
  onProgress: (published: number) => void,
  options: Partial<PublishOptions> = {},
): Promise<PublishStats> {
  const o = { ...DEFAULT_PUBLISH_OPTIONS, ...options };
  const started = performance.now();
  const regionOf = new Map(deps.workspaces.map((w) => [w.id, w.region]));
  const producers = new Map<string, Producer>();
  for (const region of new Set(regionOf.values())) {
    const mine = deps.workspaces.filter((w) => w.region === region).map((w) => [w.id, region] as const);
    producers.set(
      region,
      createProducer(
        {
          transport: deps.transport,
          store: deps.store,
          directory: createStaticWorkspaceDirectory(Object.fromEntries(mine)),
          registry: deps.registry,
        },
        { offloadPrefix: offloadPrefixOf(region), offloadThresholdBytes: o.offloadThresholdBytes },
      ),
    );
  }
  let published = 0;
  let offloaded = 0;
  const objects = new Set<string>();
  try {
    for (let i = 0; i < order.length; i += o.chunk) {
      const receipts = await Promise.all(
        order.slice(i, i + o.chunk).map((index) => {
          const change = changes[index];
          if (change === undefined)
            throw new RangeError(`the delivery plan names change ${index}, beyond the workload`);
          const producer = producers.get(regionOf.get(change.workspaceId) ?? "");
          if (producer === undefined) throw new Error(`workspace ${change.workspaceId} has no region`);
          return publishChange(producer, change);
        }),
      );
      for (const r of receipts)
        if (r.offloadedTo !== undefined) {
          offloaded++;
          objects.add(r.offloadedTo);
        }
      published += receipts.length;
      onProgress(published);
    }
  } finally {
    await Promise.allSettled([...producers.values()].map((p) => p.close()));
  }
  return { records: published, offloaded, offloadedObjects: objects.size, ms: performance.now() - started };
}
