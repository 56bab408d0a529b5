// Topic naming per region: `facsimile.<region>.records` and `facsimile.<region>.dlq`, keyed by workspace id.
// The one place topic names are built; nothing else concatenates them.
import { assertRegion } from "@facsimile/protocol";

export const TOPIC_PREFIX = "facsimile";

export type TopicKind = "records" | "dlq";

export interface RegionTopics {
  readonly records: string;
  readonly dlq: string;
}

/** `facsimile.<region>.records`: every FacsimileRecord of the region's workspaces. */
export function recordsTopic(region: string): string {
  assertRegion(region);
  return `${TOPIC_PREFIX}.${region}.records`;
}

/** `facsimile.<region>.dlq`: records the region's ingest could not decode or resolve. */
export function dlqTopic(region: string): string {
  assertRegion(region);
  return `${TOPIC_PREFIX}.${region}.dlq`;
}

export function regionTopics(region: string): RegionTopics {
  return { records: recordsTopic(region), dlq: dlqTopic(region) };
}

/** The region and kind of a facsimile topic name, or undefined for any other topic. */
export function parseTopicName(topic: string): { region: string; kind: TopicKind } | undefined {
  const m = /^facsimile\.([a-z0-9][a-z0-9-]{0,47})\.(records|dlq)$/.exec(topic);
  if (m === null) return undefined;
  return { region: m[1] as string, kind: m[2] as TopicKind };
}
