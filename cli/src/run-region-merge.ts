// The merge a control command runs itself when no ingest worker merges a region (erasure and migration need the
// region's target tables to pass a sink version before old sink files may go): a merge-only ingest worker of the
// region (no consumer group, every partition) on the command's bus, lake and directory, stopped as soon as every
// target reached the sink head, within a time bound. A worker running elsewhere at the same time is harmless:
// merge commits are optimistic and carry txns, so the two never apply a sink version twice.
import { join } from "node:path";
import { createLocalTransport, type Transport } from "@facsimile/bus";
import type { DirectoryView, RunMerge } from "@facsimile/control-plane";
import { FacsimileError } from "@facsimile/core";
import { createIngestWorker } from "@facsimile/ingest";
import type { ObjectStore } from "@facsimile/object-store";
import type { SchemaRegistry } from "@facsimile/schemas";
import type { CompiledModel } from "@facsimile/transforms";

export interface RegionMergeDeps {
  /** The bus of the regions' records topics: the directory's, else the embedded bus under <data>/bus. */
  readonly transport: Transport | undefined;
  readonly dataDir: string;
  readonly store: ObjectStore;
  readonly registry: SchemaRegistry;
  readonly models: readonly CompiledModel[];
  readonly view: DirectoryView;
  readonly timeoutMs: number;
  readonly onProgress: (message: string) => void;
}

export class RegionMergeTimeoutError extends FacsimileError {
  constructor(region: string, timeoutMs: number) {
    super(
      "REGION_MERGE_TIMEOUT",
      `the merge of ${region} run here did not reach the sink head within ${timeoutMs} ms: run the command again`,
      { retriable: true, context: { region, timeoutMs } },
    );
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function regionMerge(deps: RegionMergeDeps): RunMerge {
  return async (region) => {
    const own = deps.transport === undefined;
    const transport = deps.transport ?? createLocalTransport({ directory: join(deps.dataDir, "bus") });
    const worker = createIngestWorker({
      region,
      transport,
      store: deps.store,
      registry: deps.registry,
      models: [...deps.models],
      directory: deps.view,
      options: { stages: "merge", mergePollMs: 100, idleAdvanceVersions: 1 },
    });
    const started = Date.now();
    deps.onProgress(`${region}: merging the sink into its tables here (merge-only worker)`);
    try {
      await worker.start();
      while (!(await worker.caughtUp())) {
        if (Date.now() - started > deps.timeoutMs) throw new RegionMergeTimeoutError(region, deps.timeoutMs);
        await sleep(100);
      }
      deps.onProgress(`${region}: merged through the sink head in ${Date.now() - started} ms`);
    } finally {
      await worker.stop();
      if (own) await transport.close();
    }
  };
}
