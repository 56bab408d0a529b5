import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InvalidRegionError } from "@facsimile/protocol";
import { describe, expect, it } from "vitest";
import { createLocalTransport } from "../transport/local/local-transport.js";
import { createRegionTopics } from "./create-region-topics.js";
import { dlqTopic, parseTopicName, recordsTopic, regionTopics } from "./topic-names.js";

describe("topic names", () => {
  it("names a region's records and dead-letter topics", () => {
    expect(recordsTopic("eu-west-1")).toBe("facsimile.eu-west-1.records");
    expect(dlqTopic("us")).toBe("facsimile.us.dlq");
    expect(regionTopics("ap")).toEqual({ records: "facsimile.ap.records", dlq: "facsimile.ap.dlq" });
    expect(parseTopicName("facsimile.eu.dlq")).toEqual({ region: "eu", kind: "dlq" });
    expect(parseTopicName("other.eu.records")).toBeUndefined();
  });

  it.each(["", "EU", "eu.west", "-eu", "eu_west", "x".repeat(49)])("rejects the region %j", (region) => {
    expect(() => recordsTopic(region)).toThrow(InvalidRegionError);
  });
});

describe("createRegionTopics", () => {
  it("creates the records and dlq topics once", async () => {
    const dir = await mkdtemp(join(tmpdir(), "facsimile-topics-"));
    const t = createLocalTransport({ directory: dir });
    await createRegionTopics(t, "eu", { partitions: 6 });
    await createRegionTopics(t, "eu", { partitions: 9 }); // existing topics stay as they are
    expect(await t.partitionCount("facsimile.eu.records")).toBe(6);
    expect(await t.partitionCount("facsimile.eu.dlq")).toBe(1);
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });
});
