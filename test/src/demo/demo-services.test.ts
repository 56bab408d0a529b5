// `npm run demo -- --kafka <brokers> --s3 <endpoint>` end to end on the real services: a small run on its own
// regions (so its own topics) and its own bucket prefix ends with tables equal to the last-writer-wins oracle,
// payloads offloaded under each region's prefix of the bucket, the seed's analyst query with rows, and a printed
// `facsimile query` command (S3 lake, endpoint in its environment) that works as printed.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createKafkaTransport, regionTopics } from "@facsimile/bus";
import { S3ObjectStore } from "@facsimile/object-store/s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { services, uniqueName } from "../helpers.js";
import { cleanEnv, exploreLines, parseCommandLine, runFacsimile, SCHEMAS_DIR } from "./demo-support.js";

describe("the demo on Kafka and MinIO", () => {
  const regions = ["a", "b", "c"].map((r) => uniqueName(`demo-${r}`).toLowerCase());
  const prefix = uniqueName("demo");
  let cwd: string;

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), "facsimile-demo-services-"));
  });
  afterAll(async () => {
    const transport = createKafkaTransport({
      brokers: services().kafkaBrokers,
      clientId: uniqueName("demo-it"),
    });
    await transport
      .deleteTopics(regions.flatMap((r) => Object.values(regionTopics(r))))
      .catch(() => undefined);
    await transport.close();
    await rm(cwd, { recursive: true, force: true });
  });

  it("runs a small demo with the lake in a bucket: verified tables, offloads, the seed query, a working command", async () => {
    const s = services();
    const env = cleanEnv({
      S3_ACCESS_KEY_ID: s.s3.accessKeyId,
      S3_SECRET_ACCESS_KEY: s.s3.secretAccessKey,
      S3_REGION: s.s3.region,
    });
    const run = await runFacsimile(
      [
        "demo",
        "--size",
        "0.1",
        "--kafka",
        s.kafkaBrokers.join(","),
        "--s3",
        s.s3.endpoint,
        "--bucket",
        s.s3.bucket,
        "--prefix",
        prefix,
        "--regions",
        regions.join(","),
        "--partitions",
        "2",
        "--schemas-dir",
        SCHEMAS_DIR,
      ],
      cwd,
      env,
    );
    expect(run.code, run.stderr).toBe(0);
    const out = run.stdout;
    expect(out).toContain(`  bus   kafka://${s.kafkaBrokers.join(",")}`);
    expect(out).toContain(`  lake  s3://${s.s3.bucket}/${prefix}`);
    expect(out).toMatch(
      /^verified {3}every table equals the last-writer-wins oracle of the workload: [\d,]+ resources, 0 differences/m,
    );
    // Every region ingested something and dead-lettered nothing (a rebalance may drop a redelivered batch).
    for (const region of regions)
      expect(out).toMatch(
        new RegExp(`^ {11}${region} +[1-9]\\d* +[1-9][\\d,]* +[\\d,]+ +[\\d,]+ +0 +\\d+ `, "m"),
      );
    const rows = /issues_resolved\n[-+]+\n[\s\S]*?\((\d+) rows?\)/.exec(out);
    expect(Number(rows?.[1])).toBeGreaterThan(0);

    // The offloaded payloads are in the bucket, under the prefix of their workspace's region.
    const offloaded = Number(/([\d,]+) payloads? offloaded/.exec(out)?.[1]?.replaceAll(",", ""));
    expect(offloaded).toBeGreaterThan(0);
    const store = new S3ObjectStore({
      bucket: s.s3.bucket,
      prefix,
      endpoint: s.s3.endpoint,
      region: s.s3.region,
      forcePathStyle: true,
      credentials: { accessKeyId: s.s3.accessKeyId, secretAccessKey: s.s3.secretAccessKey },
    });
    try {
      let objects = 0;
      for (const region of regions) for await (const _ of store.list(`regions/${region}/offload/`)) objects++;
      expect(objects).toBeGreaterThan(0);
      expect(objects).toBeLessThanOrEqual(offloaded);
    } finally {
      await store.close();
    }

    const [explore] = exploreLines(out);
    expect(explore).toMatch(
      new RegExp(`^S3_ENDPOINT=${s.s3.endpoint} \\S.* query --lake s3://${s.s3.bucket}/${prefix} --region `),
    );
    const command = parseCommandLine(explore ?? "");
    const answer = await runFacsimile(command.argv, cwd, { ...env, ...command.env });
    expect(answer.code, answer.stderr).toBe(0);
    expect(answer.stdout).toMatch(/^DONE +\| +\d+ \| +\d+$/m);
  });
});
