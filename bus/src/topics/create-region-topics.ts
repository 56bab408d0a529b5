// Creates a region's topics (records and dead letters) on a transport, leaving existing ones as they are:
// what an operator, the demo or a test runs before producers and workers start.
import type { Transport } from "../transport/types.js";
import { regionTopics } from "./topic-names.js";

export interface RegionTopicsOptions {
  /** Partitions of the records topic: the upper bound of ingest workers of the region. */
  readonly partitions: number;
  readonly dlqPartitions: number;
}

export const DEFAULT_REGION_TOPICS_OPTIONS: Readonly<RegionTopicsOptions> = Object.freeze({
  partitions: 12,
  dlqPartitions: 1,
});

export async function createRegionTopics(
  transport: Transport,
  region: string,
  options: Partial<RegionTopicsOptions> = {},
): Promise<void> {
  const o = { ...DEFAULT_REGION_TOPICS_OPTIONS, ...options };
  const { records, dlq } = regionTopics(region);
  await transport.createTopics([
    { topic: records, partitions: o.partitions },
    { topic: dlq, partitions: o.dlqPartitions },
  ]);
}
